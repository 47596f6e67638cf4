"""Shared fixtures: people (owner, staff, outsider), API clients, and the real services tests need."""

import os
import uuid

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from boards.access import default_board
from boards.models import Membership, Role
from tasks.models import Task
from tasks.services import task_create
from tracker import events, redis_client, throttling
from tracker.tests.servers import running_servers

IN_CI = os.environ.get("CI") == "true"


def pytest_configure(config):
    # This run's Redis keys and channels (events, counts) are its own: other runs share the Redis.
    # Servers and processes that tests start get the same prefix (the environment, app_env()).
    prefix = os.environ.setdefault("REDIS_KEY_PREFIX", f"test-run-{uuid.uuid4().hex}:")
    settings.REDIS_KEY_PREFIX = prefix
    os.environ.setdefault("THROTTLE_KEY_PREFIX", prefix)
    # Tests render pages without running collectstatic first: plain names instead of the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def skip_or_fail(reason: str) -> None:
    """Skip a test that lacks a service; in CI a missing service is a failure, not a skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: tests may not skip for a missing service)")
    pytest.skip(reason)


def pytest_sessionfinish(session, exitstatus):
    # pytest-django deletes the SQLite test database but not its WAL side files.
    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        if not os.path.exists(name):
            for suffix in ("-wal", "-shm", "-journal"):
                if os.path.exists(name + suffix):
                    os.remove(name + suffix)


_server_log_offsets = pytest.StashKey[dict[int, int]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report shows what each server started by tests (tracker.tests.servers)
    logged while it ran."""
    report = (yield).get_result()
    if report.when == "setup":
        item.stash[_server_log_offsets] = {s.pid: s.log_size() for s in running_servers()}
    if report.failed:
        offsets = item.stash.get(_server_log_offsets, {})
        for server in running_servers():
            since = offsets.get(server.pid, 0)
            report.sections.append((f"Log of the server at {server.url}", server.log(since)))


@pytest.fixture(autouse=True)
def _only_on_postgres(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL; CI runs the whole suite on it as well")


@pytest.fixture
def redis_connection() -> redis.Redis:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis not reachable at {settings.REDIS_URL}: {error}")
    return client


@pytest.fixture(autouse=True)
def _fresh_redis_clients():
    """Each test starts with new Redis clients and no remembered outage."""
    events._down_until = 0.0
    throttling.counts.forget()
    yield
    redis_client.forget_clients()
    events._down_until = 0.0
    throttling.counts.forget()


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(settings):
    """Each test counts API writes from zero (tracker.throttling), under keys of its own."""
    settings.THROTTLE_KEY_PREFIX = f"test-{uuid.uuid4().hex}:"


@pytest.fixture
def user(db):
    """Alice, an editor of the default board (as the migration made every existing user)."""
    alice = get_user_model().objects.create_user("alice", "alice@example.com", "alice-password-1")
    Membership.objects.create(board=default_board(), user=alice, role=Role.EDITOR)
    return alice


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(
        "staff", "staff@example.com", "staff-password-1", is_staff=True, is_superuser=True
    )


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def token_client(settings) -> APIClient:
    """A script using the original's static bearer token."""
    settings.API_AUTH_TOKEN = "test-static-token"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer test-static-token")
    return client


@pytest.fixture
def make_task(db):
    def make(name: str = "Write report", **fields) -> Task:
        return task_create(name=name, **fields)

    return make
