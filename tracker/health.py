"""GET /healthz: the database decides the status code; Redis is reported but never fatal."""

import logging

import redis
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from reminders import sweep
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


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    body = {"database": database_state(), "redis": redis_state()}
    # When the last reminder pass ran (run_reminders or the RQ job): informative, never fatal.
    body["reminders"] = sweep.last_pass()
    healthy = body["database"] == "ok"
    body["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)
