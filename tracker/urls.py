from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe

from tracker.health import healthz


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, the API docs).
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^healthz/?$", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("", include("notifications.urls")),
    # The board (/, /board/..., /events/) and the login pages (/accounts/), before the API.
    path("", include("board.urls")),
    path("", include("accounts.urls")),
    path("", include("tasks.urls")),
    path("", include("boards.urls")),
    # API schema and docs (/api/schema/, /api/docs/, /api/redoc/), browsable API login (/api-auth/).
    path("", include("tracker.api.urls")),
]
