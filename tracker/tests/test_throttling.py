"""Rate limits on API writes (tracker.throttling) and failed logins (django-axes, accounts.lockout):
429 with Retry-After for a flood, nothing for normal use, counts shared through Redis and kept
locally while Redis is down."""

import json

import pytest
from django.contrib.auth import get_user_model
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
def failure_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = DEAD_REDIS


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


def test_write_counts_are_shared_by_every_process(
    token_client, write_rate, settings, redis_connection
):
    write_rate("2/minute")
    create(token_client)
    create(token_client)
    # A connection of its own, as another gunicorn worker has, sees this worker's count.
    key = f"{settings.THROTTLE_KEY_PREFIX}throttle:write:address-127.0.0.1"
    assert len(json.loads(redis_connection.get(key))) == 2


def test_writes_keep_working_while_redis_is_down(token_client, redis_down):
    assert [create(token_client, f"Task {n}").status_code for n in range(5)] == [200] * 5


def test_flood_is_still_refused_while_redis_is_down(token_client, redis_down, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "write": "3/minute"}
    statuses = [create(token_client, f"Task {n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def login(client, path: str = "/accounts/login/", username: str = "alice", **extra):
    password = extra.pop("password", "wrong")
    return client.post(path, {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_failed_logins_lock_the_username_out_with_a_clear_429(client, user, failure_limit, path):
    assert [login(client, path).status_code for _ in range(2)] == [200, 200]  # the form again
    locked = login(client, path)
    assert locked.status_code == 429
    refused = login(client, path, password="alice-password-1")
    assert refused.status_code == 429
    assert "Too many failed login attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0


def test_successful_logins_from_one_address_never_lock_it_out(client, failure_limit):
    # An office behind one address: many people logging in within a minute.
    for n in range(12):
        get_user_model().objects.create_user(f"person{n}", password="office-password-1")
        answer = login(client, username=f"person{n}", password="office-password-1")
        assert answer.status_code == 302, n
        client.logout()


def test_failures_for_one_username_lock_it_from_every_address(client, user, failure_limit):
    for n in range(3):
        login(client, REMOTE_ADDR=f"10.0.0.{n}")
    assert login(client, password="alice-password-1", REMOTE_ADDR="10.0.1.1").status_code == 429


def test_failures_from_one_address_lock_it_for_every_username(client, user, failure_limit):
    for n in range(3):
        login(client, username=f"guess{n}")
    assert login(client, password="alice-password-1").status_code == 429
    other_address = login(client, password="alice-password-1", REMOTE_ADDR="10.0.0.2")
    assert (
        other_address.status_code == 302
    )  # alice herself is not locked: the guesses were not hers


def test_a_success_clears_the_username_failures(client, user, failure_limit):
    login(client, REMOTE_ADDR="10.0.0.1")
    login(client, REMOTE_ADDR="10.0.0.2")
    assert login(client, password="alice-password-1", REMOTE_ADDR="10.0.0.3").status_code == 302
    client.logout()
    login(client, REMOTE_ADDR="10.0.0.4")
    assert login(client, password="alice-password-1", REMOTE_ADDR="10.0.0.5").status_code == 302


def test_forged_forwarded_for_does_not_dodge_the_lockout(client, user, failure_limit):
    statuses = [
        login(client, username=f"guess{n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert statuses[-1] == 429


def test_login_pages_still_load_after_a_lockout(client, user, failure_limit):
    for _ in range(4):
        login(client)
    assert client.get("/accounts/login/").status_code == 200
