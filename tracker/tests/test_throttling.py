"""Rate limits on API writes and on login posts (tracker.throttling): 429 with Retry-After for a
flood, nothing for normal use, counts shared through Redis and kept locally while Redis is down."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from tasks.models import Task

pytestmark = pytest.mark.django_db

LOGIN_PATHS = ["/accounts/login/", "/admin/login/", "/api-auth/login/"]
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def write_rate(settings, redis_connection):
    def set_rate(rate: str | None) -> None:
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "write": rate}

    return set_rate


@pytest.fixture
def login_rate(settings, redis_connection):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "3/minute"}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        settings.THROTTLE_CACHE: {
            **settings.CACHES[settings.THROTTLE_CACHE],
            "LOCATION": DEAD_REDIS,
        },
    }


def create(client: APIClient, name: str = "Backup"):
    return client.post("/tasks/", {"name": name}, format="json")


def test_write_flood_gets_429_with_retry_after(token_client, write_rate):
    write_rate("5/minute")
    statuses = [create(token_client, f"Task {n}").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = create(token_client)
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]
    assert Task.objects.count() == 5


def test_every_write_method_counts(token_client, make_task, write_rate):
    write_rate("3/minute")
    task = make_task()
    token_client.patch(f"/tasks/{task.pk}", {"status": "done"}, format="json")
    token_client.put(f"/tasks/{task.pk}", {"name": "Renamed"}, format="json")
    token_client.post("/notifications/read-all")
    assert token_client.delete(f"/tasks/{task.pk}").status_code == 429
    assert Task.objects.filter(pk=task.pk).exists()


def test_reads_are_never_throttled(token_client, make_task, write_rate):
    write_rate("1/minute")
    task = make_task()
    for _ in range(20):
        assert token_client.get("/tasks/").status_code == 200
        assert token_client.get(f"/tasks/{task.pk}").status_code == 200


def test_each_person_has_a_write_budget_of_their_own(user, staff_user, write_rate):
    write_rate("2/minute")
    alice, staff = APIClient(), APIClient()
    alice.force_authenticate(user)
    staff.force_authenticate(staff_user)
    assert [create(alice).status_code for _ in range(3)] == [200, 200, 429]
    assert create(staff).status_code == 200


def test_normal_use_at_the_default_rate_is_never_throttled(
    client, user, make_task, redis_connection
):
    """A person working the board: a hundred moves in a row, well within a minute."""
    client.force_login(user)
    task = make_task("Card")
    for n in range(100):
        status = ["todo", "in_progress", "done"][n % 3]
        response = client.patch(
            f"/tasks/{task.pk}", {"status": status}, content_type="application/json"
        )
        assert response.status_code == 200


def test_write_counts_are_shared_by_every_process(token_client, write_rate, settings):
    write_rate("2/minute")
    create(token_client)
    create(token_client)
    # A new connection, as another gunicorn worker would open, sees this worker's count.
    other_worker = caches.create_connection(settings.THROTTLE_CACHE)
    key = f"{settings.THROTTLE_KEY_PREFIX}throttle:write:address-127.0.0.1"
    assert len(other_worker.get(key)) == 2


def test_writes_keep_working_while_redis_is_down(token_client, redis_down):
    assert [create(token_client, f"Task {n}").status_code for n in range(5)] == [200] * 5


def test_flood_is_still_refused_while_redis_is_down(token_client, redis_down, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "write": "3/minute"}
    statuses = [create(token_client, f"Task {n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_login_flood_gets_429_with_retry_after(client, user, login_rate, path):
    guesses = [
        client.post(path, {"username": "alice", "password": f"guess-{n}"}).status_code
        for n in range(4)
    ]
    assert guesses[:3] == [200, 200, 200]  # the form again, with an error
    assert guesses[3] == 429
    refused = client.post(path, {"username": "alice", "password": "alice-password-1"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_login_throttle_counts_per_client_address(client, user, login_rate):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    neighbour = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "alice-password-1"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert neighbour.status_code == 302


def test_forged_forwarded_for_does_not_dodge_the_login_throttle(client, user, login_rate):
    statuses = [
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        ).status_code
        for n in range(4)
    ]
    assert statuses[-1] == 429


def test_login_pages_still_load_after_a_login_flood(client, user, login_rate):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert client.get("/accounts/login/").status_code == 200
