from django.contrib import admin
from django.urls import include, path, re_path

from tracker.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^healthz/?$", healthz, name="healthz"),
    path("", include("notifications.urls")),
    # The board (/, /board/..., /events/) and the login pages (/accounts/), before the API.
    path("", include("board.urls")),
    path("", include("accounts.urls")),
    path("", include("tasks.urls")),
    # API schema and docs (/api/schema/, /api/docs/, /api/redoc/), browsable API login (/api-auth/).
    path("", include("tracker.api.urls")),
]
