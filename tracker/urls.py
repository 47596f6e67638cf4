from django.contrib import admin
from django.urls import include, path, re_path

from tasks.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^healthz/?$", healthz, name="healthz"),
    path("", include("notifications.urls")),
    path("", include("tasks.urls")),
]
