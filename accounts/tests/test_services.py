from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import bot_create, token_create, token_mark_used, tokens_revoke

pytestmark = pytest.mark.django_db


def test_of_two_requests_holding_a_stale_row_only_one_writes_the_last_use(user):
    api_token, _ = token_create(user=user, name="script")
    first, second = ApiToken.objects.get(), ApiToken.objects.get()
    now = timezone.now()
    assert token_mark_used(token=first, now=now) is True
    assert token_mark_used(token=second, now=now + timedelta(seconds=1)) is False
    api_token.refresh_from_db()
    assert api_token.last_used_at == now


def test_a_recent_use_is_not_written_again(user):
    api_token, _ = token_create(user=user, name="script")
    now = timezone.now()
    token_mark_used(token=api_token, now=now)
    assert token_mark_used(token=api_token, now=now + timedelta(seconds=59)) is False
    assert token_mark_used(token=api_token, now=now + timedelta(seconds=61)) is True


def test_tokens_revoke_by_name_counts_what_it_revoked(user):
    token_create(user=user, name="cli")
    token_create(user=user, name="cli")
    token_create(user=user, name="other")
    assert tokens_revoke(user=user, name="cli") == 2
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["other"]


def test_a_token_needs_a_positive_lifetime(user):
    with pytest.raises(ValidationError):
        token_create(user=user, name="script", expires_in=timedelta(0))
    assert not ApiToken.objects.exists()


def test_a_bot_is_made_with_one_token_named_bot(board, owner):
    bot, token = bot_create(board=board, name="ci-bot", role="editor", actor=owner)
    assert list(ApiToken.objects.filter(user=bot).values_list("name", flat=True)) == ["bot"]
    assert token


def test_a_failed_bot_create_leaves_nothing(board, owner, django_user_model):
    users_before = django_user_model.objects.count()
    with pytest.raises(ValidationError):
        bot_create(board=board, name="ci-bot", role="editor", expires_in=timedelta(-1), actor=owner)
    assert django_user_model.objects.count() == users_before
