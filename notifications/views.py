"""The signed acknowledgement link (notifications.acknowledgements.ack_link): a page, no login.

`GET /notifications/{id}/ack?token=...` shows what is acknowledged and a button; its POST (the
token in the form) acknowledges as the person the link was made for. A POST without a token is
the API's (`NotificationViewSet.ack`): one path, the two ways in.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from notifications.acknowledgements import BadAckLink, ack_link_user, notification_acknowledge
from notifications.api import NotificationViewSet

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_api_ack = NotificationViewSet.as_view({"post": "ack"}, detail=True, basename="notification")


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, "notifications/ack.html", context, status=status)
    # The token is in the address: never cached, never passed on in a Referer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@csrf_protect
def _signed(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        user, notification = ack_link_user(notification_id=pk, token=token)
    except BadAckLink as error:
        return _page(request, {"problem": str(error)}, status=400)
    context = {"notification": notification, "ack_user": user, "token": token}
    if request.method == "POST":
        context["acknowledgement"] = notification_acknowledge(notification=notification, actor=user)
        context["done"] = True
    return _page(request, context)


@csrf_exempt  # the API's POST does its own CSRF check (sessions); the signed page's is above
def ack(request: HttpRequest, pk: str) -> HttpResponse:
    token = request.GET.get("token") or (
        request.POST.get("token") if request.content_type in _FORMS else None
    )
    if token and request.method in ("GET", "HEAD", "POST"):
        return _signed(request, int(pk), token)
    return _api_ack(request, pk=pk)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The web push service worker (templates/notifications/sw.js), at the root so that its scope
    is the whole site: it shows pushed notifications and answers their "I'm on it" action."""
    response = HttpResponse(
        render_to_string("notifications/sw.js"), content_type="text/javascript; charset=utf-8"
    )
    # Browsers check a worker for updates on navigation; never a stale copy from a cache.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
