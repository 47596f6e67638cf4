"""GET /healthz: the database decides the status code; Redis and the apps' reports never do.

Apps add their part through settings.HEALTH_REPORTS (name -> dotted path of a function), so this
module imports no app and no app import can come back round to it.
"""

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker import redis_client

logger = logging.getLogger(__name__)


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("health: database unavailable: %s", error)
        return "down"
    return "ok"


def redis_state() -> str:
    try:
        redis_client.shared_client().ping()
    except redis.RedisError:
        return "down"
    return "ok"


def app_reports() -> dict[str, Any]:
    return {name: import_string(path)() for name, path in settings.HEALTH_REPORTS.items()}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    body = {"database": database_state(), "redis": redis_state(), **app_reports()}
    healthy = body["database"] == "ok"
    body["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)
