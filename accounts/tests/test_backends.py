"""Bots never log in to pages, even with a password someone set."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_bot_cannot_log_in_even_with_a_password(client, board, make_bot):
    bot, _ = make_bot(board, "ci-bot")
    bot.set_password("bot-password-1")
    bot.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"username": "ci-bot", "password": "bot-password-1"})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_people_still_log_in(client, user):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-password-1"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
