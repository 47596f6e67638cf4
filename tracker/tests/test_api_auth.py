"""Who may call the API: static token, per-user tokens, sessions with CSRF; public reads. And every
write endpoint against every way of not being allowed: 401 or 403, and nothing written.

The matrix cases start from the same rows (a task in every column, unread notifications) and compare
the whole of both tables before and after, so a write that half-happened is caught as well.
"""

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from accounts.services import token_create, token_revoke
from notifications.services import notification_create
from tracker.tests.tables import snapshot

pytestmark = pytest.mark.django_db

NEW_TASK = {"name": "Backup"}
STATIC_TOKEN = "test-static-token"


def assert_rejected(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "Invalid or missing token"}


def client_with(authorization: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)
    return client


# --- the original's static token ----------------------------------------------------------------
# Refusals (no header, wrong scheme or token, a prefix, the token disabled) are in the matrix below.


def test_static_token_scheme_is_case_insensitive(settings):
    settings.API_AUTH_TOKEN = "test-static-token"
    response = client_with("bearer test-static-token").post("/tasks/", NEW_TASK)
    assert response.status_code == 200


# --- per-user tokens ----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "Token"])
def test_user_token_is_accepted_under_both_schemes(user, scheme):
    _, key = token_create(user=user, name="test")
    assert client_with(f"{scheme} {key}").post("/tasks/", NEW_TASK).status_code == 200


def test_user_token_works_when_the_static_token_is_disabled(settings, user):
    settings.API_AUTH_TOKEN = ""
    _, key = token_create(user=user, name="test")
    assert client_with(f"Bearer {key}").post("/tasks/", NEW_TASK).status_code == 200


# --- sessions -----------------------------------------------------------------------------------


def logged_in_client(user) -> tuple[APIClient, str]:
    """A browser-like client: logged in, CSRF enforced, holding the csrftoken cookie."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/api-auth/login/")  # the login page sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_session_write_with_csrf_token_is_allowed(user):
    client, csrf_token = logged_in_client(user)
    response = client.post("/tasks/", NEW_TASK, HTTP_X_CSRFTOKEN=csrf_token)
    assert response.status_code == 200


def test_board_move_through_the_session(user, make_task):
    client, csrf_token = logged_in_client(user)
    task = make_task()
    response = client.patch(
        f"/tasks/{task.pk}", {"status": "done", "position": 0}, HTTP_X_CSRFTOKEN=csrf_token
    )
    assert response.json()["status"] == "done"


# --- reads --------------------------------------------------------------------------------------


def test_reads_are_public_by_default(anon_client, make_task):
    make_task()
    assert anon_client.get("/tasks/").status_code == 200
    assert anon_client.get("/notifications/unread-count").status_code == 200


def test_public_read_ignores_a_wrong_token(settings, make_task):
    # The original never looked at credentials on reads; scripts with a stale token kept reading.
    make_task()
    assert client_with("Bearer stale").get("/tasks/").status_code == 200


def test_reads_need_credentials_when_public_read_is_off(settings, anon_client):
    settings.PUBLIC_READ = False
    for path in ["/tasks/", "/tasks/1", "/notifications/", "/notifications/unread-count"]:
        response = anon_client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "Invalid or missing token"}


def test_wrong_token_is_401_on_reads_when_public_read_is_off(settings):
    settings.PUBLIC_READ = False
    assert client_with("Bearer stale").get("/tasks/").status_code == 401


def test_static_token_reads_when_public_read_is_off(settings, token_client):
    settings.PUBLIC_READ = False
    assert token_client.get("/tasks/").status_code == 200


def test_session_reads_when_public_read_is_off(settings, client, user):
    settings.PUBLIC_READ = False
    client.force_login(user)
    assert client.get("/notifications/").status_code == 200


# --- every write, every way of not being allowed -------------------------------------------------

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
    token, key = token_create(user=user, name="test")
    token_revoke(token=token)
    return _bearer(f"Bearer {key}")


def _token_of_deactivated_user(settings, user) -> APIClient:
    _, key = token_create(user=user, name="test")
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    return _bearer(f"Token {key}")


def _bearer_without_token(settings, user) -> APIClient:
    return _bearer("Bearer")


def _bearer_with_two_words(settings, user) -> APIClient:
    return _bearer("Bearer a b")


def _session_without_csrf(settings, user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _session_holding_the_csrf_cookie_without_the_header(settings, user) -> APIClient:
    client, _ = logged_in_client(user)
    return client


def _session_with_forged_csrf(settings, user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    # Well-formed secrets that do not match: what a cross-site page can send without the cookie.
    client.cookies["csrftoken"] = "a" * 32
    client.credentials(HTTP_X_CSRFTOKEN="b" * 32)
    return client


def assert_csrf_refused(response) -> None:
    assert response.status_code == 403, response.content
    assert "CSRF" in response.json()["detail"]


# name -> (the client, how it is refused: 401 not authenticated, or 403 for a session without CSRF)
CREDENTIALS: dict[str, tuple[Callable, Callable]] = {
    "no header": (_no_header, assert_rejected),
    "empty header": (_empty_header, assert_rejected),
    "Basic scheme": (_basic_scheme, assert_rejected),
    "token without scheme": (_static_token_without_scheme, assert_rejected),
    "token under wrong scheme": (_static_token_under_wrong_scheme, assert_rejected),
    "Bearer without a token": (_bearer_without_token, assert_rejected),
    "Bearer with two words": (_bearer_with_two_words, assert_rejected),
    "wrong token": (_wrong_token, assert_rejected),
    "static token prefix": (_static_token_prefix, assert_rejected),
    "static token, API_AUTH_TOKEN unset": (_static_token_when_unset, assert_rejected),
    "static token, API_AUTH_TOKEN empty": (_static_token_when_empty, assert_rejected),
    "empty bearer, API_AUTH_TOKEN empty": (_empty_bearer_when_token_empty, assert_rejected),
    "revoked user token": (_revoked_user_token, assert_rejected),
    "deactivated user's token": (_token_of_deactivated_user, assert_rejected),
    "session without CSRF": (_session_without_csrf, assert_csrf_refused),
    "session holding the CSRF cookie, no header": (
        _session_holding_the_csrf_cookie_without_the_header,
        assert_csrf_refused,
    ),
    "session with forged CSRF": (_session_with_forged_csrf, assert_csrf_refused),
}


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
    make_client, assert_refused = CREDENTIALS[credentials]
    client = make_client(settings, user)
    before = snapshot()

    response = getattr(client, method)(path.format(**rows), body, format="json")

    assert_refused(response)
    assert snapshot() == before


@pytest.mark.parametrize("write", WRITES)
def test_the_matrix_rows_do_write_with_valid_credentials(settings, rows, write):
    """The control: the same requests with the static token change something, so the refusals above
    are the credentials' doing."""
    method, path, body = WRITES[write]
    before = snapshot()
    response = getattr(_bearer(f"Bearer {STATIC_TOKEN}"), method)(
        path.format(**rows), body, format="json"
    )
    assert response.status_code in (200, 201)
    assert snapshot() != before
