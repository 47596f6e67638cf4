from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    re_path(r"^api/schema/?$", SpectacularAPIView.as_view(), name="api-schema"),
    re_path(
        r"^api/docs/?$", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"
    ),
    re_path(
        r"^api/redoc/?$", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"
    ),
    # Log in and out for the browsable API.
    path("api-auth/", include("rest_framework.urls")),
]
