"""The one place that opens Redis connections and names Redis keys and channels.

Every key and channel starts with settings.REDIS_KEY_PREFIX, whose default is derived from the
database (tracker/settings.py): two installations on one Redis never share a count, a record or an
event, even on the same Redis database number (pub/sub ignores the number).

- `shared_client()`: one client, so one connection pool, per process for short commands (events,
  rate limits, health, the last reminder pass). Short timeouts: Redis is a helper here, never worth
  a slow request.
- `listener_client()`: a new client for a long-lived pub/sub subscription (the reminder loop's
  change listener), which holds its connection and must not time out while idle.
- `async_client()`: the same for redis.asyncio (the board's event fan-out, one per event loop).
"""

import threading

import redis
import redis.asyncio as aioredis
from django.conf import settings

# Connecting to a dead Redis costs at most this long, once per outage per process (callers back off).
CONNECT_TIMEOUT_SECONDS = 0.25
COMMAND_TIMEOUT_SECONDS = 0.5
# A subscription pings Redis this often, so a silently dropped connection is noticed.
HEALTH_CHECK_SECONDS = 30

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def key(name: str) -> str:
    """The Redis key or channel `name` for this installation."""
    return f"{settings.REDIS_KEY_PREFIX}{name}"


def events_channel() -> str:
    return key("events")


def shared_client() -> redis.Redis:
    """This process's client for REDIS_URL (thread-safe: redis-py's pool lends one connection per
    command). Django's `caches[...]` would give every request thread its own pool under the ASGI
    worker; this one is created once."""
    url = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        with _clients_lock:
            client = _clients.get(url)
            if client is None:
                client = _clients[url] = redis.Redis.from_url(
                    url,
                    socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
                    socket_timeout=COMMAND_TIMEOUT_SECONDS,
                )
    return client


def listener_client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=2,
        socket_keepalive=True,
        health_check_interval=HEALTH_CHECK_SECONDS,
    )


def async_client() -> aioredis.Redis:
    return aioredis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=1, health_check_interval=HEALTH_CHECK_SECONDS
    )


def forget_clients() -> None:
    """Drop the shared clients (tests that point REDIS_URL elsewhere)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
