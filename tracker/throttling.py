"""Rate limits: API writes per caller, and login attempts per client address.

Counts live in the `throttle` cache (settings.CACHES): Redis, so that every gunicorn worker and every
container behind the same Redis shares one count. Redis is a helper here, never a dependency: while
it is down, `FailoverRedisCache` counts in this process's memory instead, so limits still hold (per
process) and no request fails or waits on a dead connection.

Rates come from settings.THROTTLE_RATES at request time (the `# --- Throttling ---` block of
tracker/settings.py), so a deployment or a test can change them without reloading anything.
"""

import logging
import time

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

# After a Redis error, this process counts locally for this long before trying Redis again, so an
# outage costs one failed connection per process, not one per request.
REDIS_RETRY_SECONDS = 5.0


class FailoverRedisCache(RedisCache):
    """Django's Redis cache for get/set/delete, falling back to local memory while Redis is down.

    Only what the throttles use is guarded; the counts kept locally during an outage are dropped
    when Redis answers again (a client gets a fresh window, never a wrong 429).
    """

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(
            f"throttle-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
        )
        self._redis_down_until = 0.0

    def _redis_available(self) -> bool:
        return time.monotonic() >= self._redis_down_until

    def _redis_failed(self, error: Exception) -> None:
        if self._redis_available():
            logger.warning("throttle counts kept in process memory, Redis unavailable: %s", error)
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    def get(self, key: str, default: object = None, version: int | None = None) -> object:
        if self._redis_available():
            try:
                return super().get(key, default, version)
            except redis.RedisError as error:
                self._redis_failed(error)
        return self._local.get(key, default, version)

    def set(
        self, key: str, value: object, timeout: float | None = DEFAULT_TIMEOUT, version=None
    ) -> None:
        if self._redis_available():
            try:
                return super().set(key, value, timeout, version)
            except redis.RedisError as error:
                self._redis_failed(error)
        self._local.set(key, value, timeout, version)

    def delete(self, key: str, version: int | None = None) -> bool:
        self._local.delete(key, version)
        if self._redis_available():
            try:
                return super().delete(key, version)
            except redis.RedisError as error:
                self._redis_failed(error)
        return False


class SettingsRateThrottle(SimpleRateThrottle):
    """DRF's sliding-window throttle, reading its rate, cache and key prefix from settings per request."""

    def __init__(self) -> None:
        # The base class reads the rate once at import time; here it is read per request.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    @property
    def cache(self):
        return caches[settings.THROTTLE_CACHE]

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
        if user is not None and user.is_authenticated and user.pk is not None:
            return self.key_for(f"user-{user.pk}")
        # The static token's service account and the anonymous: by client address.
        return self.key_for(f"address-{self.get_ident(request)}")
