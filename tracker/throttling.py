"""Rate limits on API writes, per caller (login attempts are django-axes', see accounts/lockout.py).

Counts live in Redis, so that every gunicorn worker and every container behind the same Redis shares
one count, under this installation's key prefix (tracker.redis_client). Redis is a helper here, never
a dependency: while it is down, `FailoverCounts` counts in this process's memory instead, so limits
still hold (per process) and no request fails or waits on a dead connection.

One `FailoverCounts` serves the whole process. Django's `caches[...]` would not do: it gives each
thread its own cache object, and gunicorn's ASGI worker runs every request in a new thread, so each
request opened its own Redis pool and, with Redis down, started from an empty local count (no limit).

Rates come from settings.THROTTLE_RATES at request time (the `# --- Throttling ---` block of
tracker/settings.py), so a deployment or a test can change them without reloading anything.
"""

import json
import logging
import math
import time

import redis
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from tracker import redis_client

logger = logging.getLogger(__name__)

# After a Redis error, this process counts locally for this long before trying Redis again, so an
# outage costs one failed connection per process, not one per request.
REDIS_RETRY_SECONDS = 5.0


class FailoverCounts:
    """The throttles' store: get/set/delete as DRF's throttles use them, on the shared Redis client,
    falling back to this process's memory while Redis is down.

    Values are JSON (a throttle's history is a list of timestamps). The counts kept locally during
    an outage are dropped when Redis answers again (a client gets a fresh window, never a wrong 429).
    """

    def __init__(self) -> None:
        # LocMemCache is thread-safe; one per process, shared by every request thread.
        self._local = LocMemCache("throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._redis_down_until = 0.0

    def _redis_available(self) -> bool:
        return time.monotonic() >= self._redis_down_until

    def _redis_failed(self, error: Exception) -> None:
        if self._redis_available():
            logger.warning("throttle counts kept in process memory, Redis unavailable: %s", error)
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    def get(self, key: str, default: object = None) -> object:
        if self._redis_available():
            try:
                stored = redis_client.shared_client().get(key)
                return default if stored is None else json.loads(stored)
            except redis.RedisError as error:
                self._redis_failed(error)
            except ValueError:
                return default  # not ours: start the count again
        return self._local.get(key, default)

    def set(self, key: str, value: object, timeout: float) -> None:
        if self._redis_available():
            try:
                redis_client.shared_client().set(
                    key, json.dumps(value), ex=max(1, math.ceil(timeout))
                )
                return
            except redis.RedisError as error:
                self._redis_failed(error)
        self._local.set(key, value, timeout)

    def delete(self, key: str) -> None:
        self._local.delete(key)
        if self._redis_available():
            try:
                redis_client.shared_client().delete(key)
            except redis.RedisError as error:
                self._redis_failed(error)

    def forget(self) -> None:
        """Drop local counts and any remembered outage (tests)."""
        self._local.clear()
        self._redis_down_until = 0.0


counts = FailoverCounts()


class SettingsRateThrottle(SimpleRateThrottle):
    """DRF's sliding-window throttle, reading its rate, cache and key prefix from settings per request."""

    def __init__(self) -> None:
        # The base class reads the rate once at import time; here it is read per request.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    cache = counts

    def get_rate(self) -> str | None:
        return settings.THROTTLE_RATES.get(self.scope)

    def key_for(self, ident: str) -> str:
        return f"{settings.THROTTLE_KEY_PREFIX}throttle:{self.scope}:{ident}"

    def wait(self) -> float:
        """Seconds until one more request is allowed; never None, so a 429 always has Retry-After."""
        waited = super().wait()
        if waited is not None:
            return waited
        oldest_counted = self.history[min(self.num_requests, len(self.history)) - 1]
        return max(1.0, self.duration - (self.now - oldest_counted))


class WriteRateThrottle(SettingsRateThrottle):
    """API writes (POST, PUT, PATCH, DELETE): per person, or per address for the static token."""

    scope = "write"

    def get_cache_key(self, request, view) -> str | None:
        if request.method in SAFE_METHODS:
            return None
        user = request.user
        # The static token's service account is shared by every script that holds the token:
        # counted per address, as before it had a user row.
        if (
            user is not None
            and user.is_authenticated
            and not getattr(user, "acts_as_service", False)
        ):
            return self.key_for(f"user-{user.pk}")
        # The static token's service account and the anonymous: by client address.
        return self.key_for(f"address-{self.get_ident(request)}")
