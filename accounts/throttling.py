"""Login attempts per client address, on every login page (the limit is settings.THROTTLE_RATES)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin

from tracker.throttling import SettingsRateThrottle


class LoginRateThrottle(SettingsRateThrottle):
    """Login form posts per client address: slows password guessing on every login page."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.key_for(f"address-{self.get_ident(request)}")


class LoginThrottleMiddleware(MiddlewareMixin):
    """429 with Retry-After for login posts over settings.THROTTLE_RATES["login"].

    Django's own login views (/accounts/login/, /admin/login/, /api-auth/login/) have no throttle of
    their own; every POST to one of settings.LOGIN_THROTTLE_PATHS counts, whatever its outcome.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "POST" or request.path not in settings.LOGIN_THROTTLE_PATHS:
            return None
        throttle = LoginRateThrottle()
        if throttle.allow_request(request, None):
            return None
        retry_after = max(1, round(throttle.wait()))
        message = f"Too many login attempts. Try again in {retry_after} seconds."
        if request.path.startswith("/api-auth/"):
            response = JsonResponse({"detail": message}, status=429)
        else:
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(retry_after)
        return response
