"""A view that needs Redis (django-rq's dashboard) answers 503 while Redis is down, not 500.

Nothing a person relies on needs Redis: the board, the API, the admin and /healthz work without it
(tasks.events never fails a write). Views that only show Redis's state, such as the RQ dashboard,
cannot; they get a short explanation and a Retry-After instead of a server error.
"""

import logging

import redis
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.html import escape

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
MESSAGE = (
    "Redis is unavailable, and this page needs it. The board, the API and the admin keep working."
)


class RedisUnavailableMiddleware(MiddlewareMixin):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, redis.ConnectionError | redis.TimeoutError):
            return None
        logger.warning("%s %s: Redis unavailable: %s", request.method, request.path, exception)
        if request.path.startswith("/admin/"):
            response = HttpResponse(
                f"<!doctype html><title>Redis unavailable</title><h1>Redis unavailable</h1>"
                f"<p>{escape(MESSAGE)}</p><p><a href='/admin/'>Back to the admin</a></p>",
                status=503,
            )
        else:
            response = JsonResponse({"detail": MESSAGE}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
