"""Change events over Redis pub/sub.

Live boards and the reminder loop listen to them to react at once; without Redis both still work by
their timers, so publishing never fails a write: errors are logged and Redis is left alone for a
few seconds instead of slowing every request with a connection timeout.
"""

import json
import logging
import time
from typing import Any

import redis
from django.db import transaction

from tracker import redis_client

logger = logging.getLogger(__name__)

_RETRY_AFTER_FAILURE_SECONDS = 5.0

_down_until = 0.0


def channel() -> str:
    """This installation's channel (settings.REDIS_KEY_PREFIX): others on the same Redis have theirs."""
    return redis_client.events_channel()


def publish(kind: str, data: dict[str, Any] | None = None) -> bool:
    """Publish one event now; True if Redis took it."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    message = json.dumps({"type": kind, "data": data or {}})
    try:
        redis_client.shared_client().publish(channel(), message)
    except redis.RedisError as error:
        _down_until = time.monotonic() + _RETRY_AFTER_FAILURE_SECONDS
        logger.warning("event %s not published, Redis unavailable: %s", kind, error)
        return False
    return True


def publish_after_commit(kind: str, data: dict[str, Any] | None = None) -> None:
    """Publish once the surrounding transaction commits, so listeners read committed rows."""
    transaction.on_commit(lambda: publish(kind, data))
