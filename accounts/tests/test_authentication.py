"""Tokens of people and bots: stored hashed, found under Bearer and Token, refused when expired or
revoked, and their last use recorded at most once a minute."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from knox.crypto import hash_token

from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken
from accounts.services import token_create, token_revoke
from accounts.tests.conftest import bearer, client_with
from boards.access import is_bot

pytestmark = pytest.mark.django_db

NEW_TASK = {"name": "Backup"}


def assert_rejected(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "Invalid or missing token"}


def test_the_database_holds_no_plain_token(user):
    _, token = token_create(user=user, name="script")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        row = cursor.fetchone()
    assert token not in [str(value) for value in row]
    assert ApiToken.objects.get().digest == hash_token(token)


def test_the_stored_key_is_only_a_prefix(user):
    api_token, token = token_create(user=user, name="script")
    assert token.startswith(api_token.token_key)
    assert len(api_token.token_key) < len(token)


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer", "TOKEN"])
def test_a_token_works_under_both_schemes(user, scheme):
    _, token = token_create(user=user, name="script")
    assert client_with(f"{scheme} {token}").post("/tasks/", NEW_TASK).status_code == 200


def test_writes_are_recorded_as_the_tokens_owner(user):
    _, token = token_create(user=user, name="script")
    assert bearer(token).post("/tasks/", NEW_TASK).json()["created_by"] == "alice"


def test_request_auth_is_the_token(user, rf):
    api_token, token = token_create(user=user, name="script")
    request = rf.get("/tasks/", HTTP_AUTHORIZATION=f"Token {token}")
    assert ApiTokenAuthentication().authenticate(request) == (user, api_token)


def test_a_wrong_static_token_falls_through_to_user_tokens(settings, user):
    settings.API_AUTH_TOKEN = "test-static-token"
    _, token = token_create(user=user, name="script")
    response = bearer(token).post("/tasks/", NEW_TASK)
    assert response.json()["created_by"] == "alice"


def test_a_token_that_differs_after_its_prefix_is_refused(user):
    _, token = token_create(user=user, name="script")
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert_rejected(bearer(forged).post("/tasks/", NEW_TASK))


def test_a_non_ascii_token_is_refused_not_an_error(user):
    response = client_with("Bearer caf\u00e9").post("/tasks/", NEW_TASK)
    assert_rejected(response)


def test_an_expired_token_is_refused_and_kept(user):
    api_token, token = token_create(user=user, name="script", expires_in=timedelta(days=1))
    ApiToken.objects.filter(pk=api_token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert_rejected(bearer(token).post("/tasks/", NEW_TASK))
    # Still listed (as expired) for its owner, until revoked.
    assert ApiToken.objects.filter(pk=api_token.pk).exists()


def test_a_token_before_its_expiry_works(user):
    _, token = token_create(user=user, name="script", expires_in=timedelta(days=1))
    assert bearer(token).post("/tasks/", NEW_TASK).status_code == 200


def test_an_expired_token_still_reads_public_boards_as_anonymous(user):
    # As any wrong token: the original never looked at credentials on public reads.
    api_token, token = token_create(user=user, name="script", expires_in=timedelta(days=1))
    ApiToken.objects.filter(pk=api_token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert bearer(token).get("/tasks/").status_code == 200


def test_a_revoked_token_is_refused(user):
    api_token, token = token_create(user=user, name="script")
    token_revoke(token=api_token)
    assert_rejected(bearer(token).post("/tasks/", NEW_TASK))


def test_revoking_one_token_leaves_the_others_working(user):
    first, first_token = token_create(user=user, name="one")
    _, second_token = token_create(user=user, name="two")
    token_revoke(token=first)
    assert_rejected(bearer(first_token).post("/tasks/", NEW_TASK))
    assert bearer(second_token).post("/tasks/", NEW_TASK).status_code == 200


def test_first_use_records_last_used_at(user):
    api_token, token = token_create(user=user, name="script")
    assert api_token.last_used_at is None
    bearer(token).get("/tasks/")
    api_token.refresh_from_db()
    assert api_token.last_used_at is not None


def test_a_use_within_the_minute_writes_nothing(user, django_assert_num_queries):
    api_token, token = token_create(user=user, name="script")
    client = bearer(token)
    client.get("/notifications/unread-count")  # records the first use
    api_token.refresh_from_db()
    first_use = api_token.last_used_at
    # The token with its user and bot (one query), then the count's own; no UPDATE.
    with django_assert_num_queries(2) as queries:
        client.get("/notifications/unread-count")
    assert not any(query["sql"].startswith("UPDATE") for query in queries.captured_queries)
    api_token.refresh_from_db()
    assert api_token.last_used_at == first_use


def test_a_use_after_a_minute_records_it_again(user, django_assert_num_queries):
    api_token, token = token_create(user=user, name="script")
    long_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=long_ago)
    with django_assert_num_queries(3) as queries:  # one more than above: the UPDATE
        bearer(token).get("/notifications/unread-count")
    assert sum(query["sql"].startswith("UPDATE") for query in queries.captured_queries) == 1
    api_token.refresh_from_db()
    assert api_token.last_used_at > long_ago


def test_a_deactivated_users_token_is_refused(user):
    _, token = token_create(user=user, name="script")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_rejected(bearer(token).post("/tasks/", NEW_TASK))


def test_whether_the_caller_is_a_bot_comes_with_the_token(user, rf, django_assert_num_queries):
    _, token = token_create(user=user, name="script")
    request = rf.get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    authenticated, _ = ApiTokenAuthentication().authenticate(request)
    with django_assert_num_queries(0):
        assert is_bot(authenticated) is False
