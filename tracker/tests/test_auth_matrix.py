"""Every write endpoint against every way of not being allowed: 401 or 403, and nothing written.

Each case starts from the same rows (a task in every column, unread notifications) and compares
the whole of both tables before and after, so a write that half-happened is caught as well.
"""

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.services import notification_create
from tasks.models import Task

pytestmark = pytest.mark.django_db

STATIC_TOKEN = "test-static-token"

# name -> (method, path with {task} / {notification}, body)
WRITES = {
    "create task": ("post", "/tasks/", {"name": "Intruder"}),
    "replace task": ("put", "/tasks/{task}", {"name": "Renamed", "interval_minutes": 5}),
    "move task to done": ("patch", "/tasks/{task}", {"status": "done", "position": 0}),
    "legacy query-string move": ("patch", "/tasks/{task}?status=done", None),
    "delete task": ("delete", "/tasks/{task}", None),
    "mark notification read": ("patch", "/notifications/{notification}/read", None),
    "mark all read": ("post", "/notifications/read-all", None),
}


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token)
    return client


def _no_header(settings, user) -> APIClient:
    return APIClient()


def _empty_header(settings, user) -> APIClient:
    return _bearer("")


def _basic_scheme(settings, user) -> APIClient:
    return _bearer("Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQtMQ==")  # alice's real password


def _static_token_without_scheme(settings, user) -> APIClient:
    return _bearer(STATIC_TOKEN)


def _static_token_under_wrong_scheme(settings, user) -> APIClient:
    return _bearer(f"Digest {STATIC_TOKEN}")


def _wrong_token(settings, user) -> APIClient:
    return _bearer("Bearer not-the-token")


def _static_token_prefix(settings, user) -> APIClient:
    return _bearer(f"Bearer {STATIC_TOKEN[:-1]}")


def _static_token_when_unset(settings, user) -> APIClient:
    settings.API_AUTH_TOKEN = None
    return _bearer(f"Bearer {STATIC_TOKEN}")


def _static_token_when_empty(settings, user) -> APIClient:
    settings.API_AUTH_TOKEN = ""
    return _bearer(f"Bearer {STATIC_TOKEN}")


def _empty_bearer_when_token_empty(settings, user) -> APIClient:
    settings.API_AUTH_TOKEN = ""
    return _bearer("Bearer ")


def _revoked_user_token(settings, user) -> APIClient:
    token = Token.objects.create(user=user)
    key = token.key
    token.delete()
    return _bearer(f"Bearer {key}")


def _token_of_deactivated_user(settings, user) -> APIClient:
    key = Token.objects.create(user=user).key
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    return _bearer(f"Token {key}")


def _session_without_csrf(settings, user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _session_with_forged_csrf(settings, user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    # Well-formed secrets that do not match: what a cross-site page can send without the cookie.
    client.cookies["csrftoken"] = "a" * 32
    client.credentials(HTTP_X_CSRFTOKEN="b" * 32)
    return client


CREDENTIALS: dict[str, Callable] = {
    "no header": _no_header,
    "empty header": _empty_header,
    "Basic scheme": _basic_scheme,
    "token without scheme": _static_token_without_scheme,
    "token under wrong scheme": _static_token_under_wrong_scheme,
    "wrong token": _wrong_token,
    "static token prefix": _static_token_prefix,
    "static token, API_AUTH_TOKEN unset": _static_token_when_unset,
    "static token, API_AUTH_TOKEN empty": _static_token_when_empty,
    "empty bearer, API_AUTH_TOKEN empty": _empty_bearer_when_token_empty,
    "revoked user token": _revoked_user_token,
    "deactivated user's token": _token_of_deactivated_user,
    "session without CSRF": _session_without_csrf,
    "session with forged CSRF": _session_with_forged_csrf,
}


def _snapshot() -> tuple[list[dict], list[dict]]:
    return (
        list(Task.objects.order_by("pk").values()),
        list(Notification.objects.order_by("pk").values()),
    )


@pytest.fixture
def rows(settings, make_task) -> dict[str, int]:
    settings.API_AUTH_TOKEN = STATIC_TOKEN
    task = make_task("Nightly backup", status="in_progress")
    make_task("Queued")
    make_task("Finished", status="done")
    notification = notification_create(task=task, message="Heads up")
    return {"task": task.pk, "notification": notification.pk}


@pytest.mark.parametrize("credentials", CREDENTIALS)
@pytest.mark.parametrize("write", WRITES)
def test_write_without_valid_credentials_is_refused_and_writes_nothing(
    settings, user, rows, write, credentials
):
    method, path, body = WRITES[write]
    client = CREDENTIALS[credentials](settings, user)
    before = _snapshot()

    response = getattr(client, method)(path.format(**rows), body, format="json")

    assert response.status_code in (401, 403), response.content
    assert "detail" in response.json()
    assert _snapshot() == before


@pytest.mark.parametrize("write", WRITES)
def test_the_matrix_rows_do_write_with_valid_credentials(settings, rows, write):
    """The control: the same requests with the static token change something, so the refusals above
    are the credentials' doing."""
    method, path, body = WRITES[write]
    before = _snapshot()
    response = getattr(_bearer(f"Bearer {STATIC_TOKEN}"), method)(
        path.format(**rows), body, format="json"
    )
    assert response.status_code in (200, 201)
    assert _snapshot() != before
