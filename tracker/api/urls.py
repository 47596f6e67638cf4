from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

# The docs pages' own Content-Security-Policy, on top of the site-wide one (tracker.settings).
# Swagger UI: the split view serves its start-up script as a file (?script), so script stays
# 'self'; its page has a <style> block. ReDoc injects <style> elements as it renders and starts
# its search worker from a blob: URL. (Measured in Chromium: browser_tests/test_csp_pages.py.)
swagger_policy = csp_update({"style-src": [UNSAFE_INLINE]})
redoc_policy = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    re_path(r"^api/schema/?$", SpectacularAPIView.as_view(), name="api-schema"),
    re_path(
        r"^api/docs/?$",
        swagger_policy(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    re_path(
        r"^api/redoc/?$",
        redoc_policy(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    # Log in and out for the browsable API.
    path("api-auth/", include("rest_framework.urls")),
]
