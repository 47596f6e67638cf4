"""The admin's token and bot pages: they render, a token made there is shown once, revoking deletes."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from knox.crypto import hash_token

from accounts.models import ApiToken
from accounts.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def tokens(user, board, make_bot):
    api_token, _ = token_create(user=user, name="backup", expires_in=timedelta(days=3))
    make_bot(board, "ci-bot")
    return api_token


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/",
        "/admin/accounts/apitoken/",
        "/admin/accounts/apitoken/?q=alice",
        "/admin/accounts/apitoken/?name=backup",
        "/admin/accounts/apitoken/add/",
        "/admin/accounts/bot/",
    ],
)
def test_the_pages_render(admin_client, tokens, url):
    assert admin_client.get(url).status_code == 200


def test_the_change_pages_render_without_the_digest(admin_client, tokens):
    response = admin_client.get(f"/admin/accounts/apitoken/{tokens.pk}/change/")
    assert response.status_code == 200
    assert tokens.digest not in response.content.decode()
    bot_page = admin_client.get(f"/admin/accounts/bot/{ApiToken.objects.last().user_id}/change/")
    assert bot_page.status_code == 200


def test_the_list_shows_no_digest_or_prefix(admin_client, tokens):
    page = admin_client.get("/admin/accounts/apitoken/").content.decode()
    assert "backup" in page and "ci-bot" in page
    assert tokens.digest not in page
    assert tokens.token_key not in page


def test_the_bot_list_shows_its_boards(admin_client, tokens):
    assert "Ops (editor)" in admin_client.get("/admin/accounts/bot/").content.decode()


def test_making_a_token_shows_it_once(admin_client, user):
    response = admin_client.post(
        "/admin/accounts/apitoken/add/",
        {"user": user.pk, "name": "from admin", "expires_in_days": "30"},
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request) if "shown once" in str(m)]
    token = re.search(r"([0-9a-f]{64})", message)[1]
    stored = ApiToken.objects.get(name="from admin")
    assert stored.digest == hash_token(token)
    assert stored.expiry is not None


def test_the_revoke_action_deletes_the_tokens(admin_client, tokens):
    response = admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [tokens.pk]},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=tokens.pk).exists()
    assert ApiToken.objects.count() == 1  # the bot's


def test_bots_are_not_added_or_deleted_here(admin_client, tokens):
    assert admin_client.get("/admin/accounts/bot/add/").status_code == 403
    bot_id = ApiToken.objects.get(name="bot").user_id
    assert admin_client.post(f"/admin/accounts/bot/{bot_id}/delete/").status_code == 403
