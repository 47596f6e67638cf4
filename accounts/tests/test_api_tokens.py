"""/tokens/: a person lists, makes and revokes their own tokens."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import token_create
from accounts.tests.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_making_a_token_answers_it_once(alice_client, user):
    response = alice_client.post("/tokens/", {"name": "backup script", "expires_in_days": 90})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "created", "expiry", "last_used_at", "token"}
    assert body["name"] == "backup script"
    assert body["expiry"] is not None
    listed = alice_client.get("/tokens/").json()
    assert [item["id"] for item in listed] == [body["id"]]
    assert "token" not in listed[0]


def test_the_made_token_works(alice_client):
    token = alice_client.post("/tokens/", {"name": "script"}).json()["token"]
    assert bearer(token).post("/tasks/", {"name": "Backup"}).status_code == 200


def test_without_expires_in_days_it_never_expires(alice_client):
    body = alice_client.post("/tokens/", {"name": "script"}).json()
    assert body["expiry"] is None


def test_a_token_can_make_another(user):
    _, token = token_create(user=user, name="first")
    response = bearer(token).post("/tokens/", {"name": "second"})
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=user).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "script", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "script", "expires_in_days": -3}, "expires_in_days"),
        ({"name": "script", "expires_in_days": True}, "expires_in_days"),
        ({"name": "script", "expires_in_days": "soon"}, "expires_in_days"),
        ({"name": "script", "expires_in_days": 10**9}, "expires_in_days"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_makes_nothing(alice_client, body, field):
    response = alice_client.post("/tokens/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_the_callers_tokens(alice_client, user):
    token_create(user=user, name="mine")
    someone = get_user_model().objects.create_user("bob")
    token_create(user=someone, name="his")
    assert [item["name"] for item in alice_client.get("/tokens/").json()] == ["mine"]


def test_the_list_is_one_query(alice_client, user, django_assert_num_queries):
    for name in ["a", "b", "c"]:
        token_create(user=user, name=name, expires_in=timedelta(days=1))
    alice_client.get("/tokens/")
    # The session and its user, then the tokens.
    with django_assert_num_queries(3):
        assert len(alice_client.get("/tokens/").json()) == 3


def test_revoking_my_token_stops_it(alice_client, user):
    api_token, token = token_create(user=user, name="script")
    assert alice_client.delete(f"/tokens/{api_token.pk}").status_code == 204
    assert bearer(token).post("/tasks/", {"name": "Backup"}).status_code == 401


def test_someone_elses_token_is_a_404_and_stays(alice_client):
    someone = get_user_model().objects.create_user("bob")
    api_token, _ = token_create(user=someone, name="his")
    response = alice_client.delete(f"/tokens/{api_token.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Token not found"}
    assert ApiToken.objects.filter(pk=api_token.pk).exists()


@pytest.mark.parametrize("path", ["/tokens/", "/tokens/1"])
def test_anonymous_callers_get_401(anon_client, path):
    assert anon_client.get(path).status_code == 401
    assert anon_client.post(path, {"name": "x"}).status_code == 401
    assert anon_client.delete(path).status_code == 401


def test_a_bot_cannot_make_tokens(make_bot, board):
    _, token = make_bot(board)
    response = bearer(token).post("/tokens/", {"name": "more"})
    assert response.status_code == 403
    assert "Bots cannot make tokens" in response.json()["detail"]
    assert ApiToken.objects.count() == 1


def test_a_bot_can_list_its_own_tokens(make_bot, board):
    _, token = make_bot(board)
    assert [item["name"] for item in bearer(token).get("/tokens/").json()] == ["bot"]


def test_the_static_token_cannot_make_tokens(token_client):
    response = token_client.post("/tokens/", {"name": "more"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_the_browsable_api_page_renders(alice_client, user):
    token_create(user=user, name="script")
    response = alice_client.get("/tokens/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "expires_in_days" in response.content.decode()
