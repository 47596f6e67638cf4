"""While the database cannot be reached, requests get 503 with Retry-After, not a 500.

A PostgreSQL restart or failover, or a connection pool that found no connection in time, raises
OperationalError (or InterfaceError for a connection that died under the request). That is an
outage, not a bug: clients should retry, and the app recovers by itself once the database answers
(connections are health-checked before use). Other database errors (IntegrityError, DataError, ...)
stay 500s: they are bugs to fix, not outages to wait out. The error is logged with its message, so a
SQLite "database is locked" can still be found in the logs.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The database is unavailable. Try again in a few seconds."


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("%s %s: database unavailable: %s", request.method, request.path, exception)
        if "text/html" in request.headers.get("Accept", ""):
            response = HttpResponse(
                "<!doctype html><title>Database unavailable</title>"
                f"<h1>Database unavailable</h1><p>{MESSAGE}</p>",
                status=503,
            )
        else:
            response = JsonResponse({"detail": MESSAGE}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
