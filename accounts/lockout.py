"""django-axes hooks (settings AXES_*): the client address it counts by, and the answer to a login
that is locked out."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    """The address the API's throttle counts by too: REMOTE_ADDR, or the X-Forwarded-For entry that
    NUM_PROXIES trusted proxies vouch for, so a client cannot dodge the count with a forged header."""
    return BaseThrottle().get_ident(request)


def lockout_response(
    request: HttpRequest, original_response: object = None, credentials: object = None
) -> HttpResponse:
    """429 saying why and for how long, with Retry-After, on every login page."""
    minutes = settings.AXES_COOLOFF_TIME.total_seconds() / 60
    message = (
        f"Too many failed login attempts for this username or from this address. "
        f"Try again in {minutes:g} minutes."
    )
    if request.path.startswith("/api-auth/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(round(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
