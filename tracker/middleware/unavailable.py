"""While a service the request needs cannot be reached, answer 503 with Retry-After, not a 500.

An outage is not a bug: clients should retry, and the app recovers by itself once the service answers.
Each middleware below names the exceptions that mean "unreachable"; anything else stays a 500 (a bug
to fix, not an outage to wait out). The error is logged with its message.
"""

import logging

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.html import escape

logger = logging.getLogger(__name__)


class ServiceUnavailableMiddleware(MiddlewareMixin):
    service: str = ""
    exceptions: tuple[type[Exception], ...] = ()
    message: str = ""
    retry_after_seconds: int = 5

    def wants_html(self, request: HttpRequest) -> bool:
        return "text/html" in request.headers.get("Accept", "")

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, self.exceptions):
            return None
        logger.warning(
            "%s %s: %s unavailable: %s", request.method, request.path, self.service, exception
        )
        if self.wants_html(request):
            title = f"{self.service} unavailable"
            response = HttpResponse(
                f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{escape(self.message)}</p>",
                status=503,
            )
        else:
            response = JsonResponse({"detail": self.message}, status=503)
        response["Retry-After"] = str(self.retry_after_seconds)
        return response


class DatabaseUnavailableMiddleware(ServiceUnavailableMiddleware):
    """A PostgreSQL restart or failover, or a pool that found no connection in time.

    Those raise OperationalError (InterfaceError for a connection that died under the request);
    connections are health-checked before use, so the app recovers without a restart. Other database
    errors (IntegrityError, DataError, ...) stay 500s. A SQLite "database is locked" is logged here too.
    """

    service = "Database"
    exceptions = (OperationalError, InterfaceError)
    message = "The database is unavailable. Try again in a few seconds."
    retry_after_seconds = 5


class RedisUnavailableMiddleware(ServiceUnavailableMiddleware):
    """Views that only show Redis's state, such as django-rq's dashboard, cannot work without it.

    Nothing a person relies on needs Redis: the board, the API, the admin and /healthz work without it
    (tracker.events never fails a write).
    """

    service = "Redis"
    exceptions = (redis.ConnectionError, redis.TimeoutError)
    message = "Redis is unavailable, and this page needs it. The board, the API and the admin keep working."
    retry_after_seconds = 10

    def wants_html(self, request: HttpRequest) -> bool:
        return request.path.startswith("/admin/")
