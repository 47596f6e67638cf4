"""Who may call the API: static token, per-user tokens, sessions with CSRF; public reads."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tasks.models import Task

pytestmark = pytest.mark.django_db

NEW_TASK = {"name": "Backup"}


def assert_rejected(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "Invalid or missing token"}
    assert not Task.objects.exists()


def client_with(authorization: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)
    return client


# --- the original's static token ----------------------------------------------------------------


def test_write_without_credentials_is_401(anon_client):
    assert_rejected(anon_client.post("/tasks/", NEW_TASK))


@pytest.mark.parametrize(
    "authorization",
    ["Basic dGVzdDp0ZXN0", "test-static-token", "Bearer", "Bearer a b", "Bearer wrong-token"],
)
def test_write_with_wrong_scheme_or_token_is_401(settings, authorization):
    settings.API_AUTH_TOKEN = "test-static-token"
    assert_rejected(client_with(authorization).post("/tasks/", NEW_TASK))


def test_write_with_static_token_is_allowed(token_client):
    assert token_client.post("/tasks/", NEW_TASK).status_code == 200


def test_static_token_scheme_is_case_insensitive(settings):
    settings.API_AUTH_TOKEN = "test-static-token"
    response = client_with("bearer test-static-token").post("/tasks/", NEW_TASK)
    assert response.status_code == 200


def test_empty_api_auth_token_disables_the_static_token(settings):
    settings.API_AUTH_TOKEN = ""
    assert_rejected(client_with("Bearer ").post("/tasks/", NEW_TASK))
    assert_rejected(client_with("Bearer test-static-token").post("/tasks/", NEW_TASK))


def test_static_token_prefix_is_not_enough(settings):
    settings.API_AUTH_TOKEN = "test-static-token"
    assert_rejected(client_with("Bearer test-static").post("/tasks/", NEW_TASK))


# --- per-user tokens ----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "Token"])
def test_user_token_is_accepted_under_both_schemes(user, scheme):
    key = Token.objects.create(user=user).key
    assert client_with(f"{scheme} {key}").post("/tasks/", NEW_TASK).status_code == 200


def test_token_of_an_inactive_user_is_401(user):
    key = Token.objects.create(user=user).key
    user.is_active = False
    user.save()
    assert_rejected(client_with(f"Bearer {key}").post("/tasks/", NEW_TASK))


def test_user_token_works_when_the_static_token_is_disabled(settings, user):
    settings.API_AUTH_TOKEN = ""
    key = Token.objects.create(user=user).key
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


def test_session_write_without_csrf_token_is_403(user):
    client, _ = logged_in_client(user)
    response = client.post("/tasks/", NEW_TASK)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Task.objects.exists()


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
