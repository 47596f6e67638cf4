"""Reads for API tokens and bots."""

from django.db.models import Case, Count, DateTimeField, F, Max, Q, QuerySet, Value, When
from django.db.models.lookups import GreaterThan

from accounts.models import ApiToken
from boards.models import Board, Membership

_TOKENS = "user__auth_token_set"


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("id")


def bots_on_board(board: Board) -> QuerySet[Membership]:
    """The bots that are members of `board`, by name, in one query: each membership with `name`,
    `created_by_name`, `bot_created_at`, `last_used_at` (the latest use of any of the bot's tokens)
    and `expires_at` (when its last token expires; None while one never does, or it has none)."""
    never_expiring = Count(_TOKENS, filter=Q(**{f"{_TOKENS}__expiry__isnull": True}))
    return (
        Membership.objects.filter(board=board, user__bot__isnull=False)
        .annotate(
            name=F("user__username"),
            created_by_name=F("user__bot__created_by__username"),
            bot_created_at=F("user__bot__created_at"),
            last_used_at=Max(f"{_TOKENS}__last_used_at"),
            expires_at=Case(
                When(GreaterThan(never_expiring, 0), then=Value(None, DateTimeField())),
                default=Max(f"{_TOKENS}__expiry"),
                output_field=DateTimeField(),
            ),
        )
        .order_by("user__username")
    )
