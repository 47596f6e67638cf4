"""Writes for API tokens and bots. The API, the admin and `manage.py api_token` all call these.

A token's plain text exists only in what `token_create` returns: the database keeps knox's digest.
A bot is a User row (unusable password) with an accounts.Bot row, a member of boards like a person.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import SERVICE_ACCOUNT_USERNAME, TOKEN_NAME_MAX_LENGTH, ApiToken, Bot
from boards.models import Board, Membership, Role
from boards.services import member_add, member_remove, member_update

# How stale `last_used_at` may be: a token used all day writes once a minute, not per request.
LAST_USED_PRECISION = timedelta(minutes=1)
# The name of the token `manage.py api_token` makes (and --rotate replaces) unless told otherwise;
# legacy DRF tokens got it too (migration 0002), so --rotate replaces those as before.
CLI_TOKEN_NAME = "cli"  # noqa: S105 (a label, not a secret)
# The name of the token a bot is made with.
BOT_TOKEN_NAME = "bot"  # noqa: S105
# Bots read or edit; owning a board (members, bots and their tokens) stays with people, so a bot's
# token can never mint another one.
BOT_ROLES = (Role.VIEWER, Role.EDITOR)
BOT_ROLE_VALUES = [role.value for role in BOT_ROLES]
BOT_NAME_MAX_LENGTH = 150


def _clean_token_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the token a name: what it is for."]})
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": [f"A token's name has at most {TOKEN_NAME_MAX_LENGTH} characters."]}
        )
    return name


def _check_expires_in(expires_in: timedelta | None) -> None:
    if expires_in is not None and expires_in <= timedelta(0):
        raise ValidationError({"expires_in": ["A token's lifetime must be positive."]})


@transaction.atomic
def token_create(*, user, name: str, expires_in: timedelta | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, never expiring unless `expires_in` says when. Returns the row and the
    token itself, which is shown once: only its digest is stored."""
    name = _clean_token_name(name)
    _check_expires_in(expires_in)
    return ApiToken.objects.create(user=user, expiry=expires_in, name=name)


@transaction.atomic
def token_rotate(*, user, name: str, expires_in: timedelta | None = None) -> tuple[ApiToken, str]:
    """Replace `user`'s tokens named `name` with a new one: the old ones stop working at once."""
    tokens_revoke(user=user, name=_clean_token_name(name))
    return token_create(user=user, name=name, expires_in=expires_in)


@transaction.atomic
def token_revoke(*, token: ApiToken) -> None:
    """The token stops working at once (its row is gone)."""
    ApiToken.objects.filter(pk=token.pk).delete()


@transaction.atomic
def tokens_revoke(*, user, name: str | None = None) -> int:
    """Revoke `user`'s tokens (those named `name`, or all); how many there were."""
    tokens = ApiToken.objects.filter(user=user)
    if name is not None:
        tokens = tokens.filter(name=name)
    return tokens.delete()[1].get(ApiToken._meta.label, 0)


def token_mark_used(*, token: ApiToken, now: datetime | None = None) -> bool:
    """Record that `token` was just used, at most once per LAST_USED_PRECISION. Most requests write
    nothing (the loaded row shows a recent use); the conditional UPDATE lets one of several
    concurrent requests write. True if this call wrote."""
    now = now or timezone.now()
    stale_before = now - LAST_USED_PRECISION
    if token.last_used_at is not None and token.last_used_at > stale_before:
        return False
    written = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before))
        .update(last_used_at=now)
    )
    if written:
        token.last_used_at = now
    return bool(written)


# --- bots ------------------------------------------------------------------------------------


def _clean_bot_name(name: str) -> str:
    """A valid username no one has (the bot's user is named so)."""
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append("Give the bot a name.")
    elif len(name) > BOT_NAME_MAX_LENGTH:
        errors.append(f"A bot's name has at most {BOT_NAME_MAX_LENGTH} characters.")
    else:
        try:
            UnicodeUsernameValidator()(name)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"name": errors})
    users = get_user_model()
    taken = users.objects.filter(**{f"{users.USERNAME_FIELD}__iexact": name}).exists()
    if taken or name.lower() == SERVICE_ACCOUNT_USERNAME:
        raise ValidationError({"name": [f"The name {name!r} is taken: choose another."]})
    return name


def _check_bot_role(role: str) -> None:
    if role not in BOT_ROLES:
        allowed = " or ".join(BOT_ROLES)
        raise ValidationError({"role": [f"A bot's role is {allowed}, not {role!r}."]})


def _new_bot_user(*, name: str, actor):
    users = get_user_model()
    try:
        with transaction.atomic():
            # No password: an unusable one, so no login page ever takes it (accounts.backends too).
            user = users.objects.create_user(name)
    except IntegrityError:
        # Someone took the name between the check and the insert.
        raise ValidationError({"name": [f"The name {name!r} is taken: choose another."]}) from None
    Bot.objects.create(user=user, created_by=actor if getattr(actor, "pk", None) else None)
    return user


@transaction.atomic
def bot_create(
    *, board: Board, name: str, role: str, expires_in: timedelta | None = None, actor=None
) -> tuple[object, str]:
    """A new bot with `role` on `board` and its first token. Returns the bot's user and the token
    itself, shown once. The name must be free among all users (it is the bot's username)."""
    name = _clean_bot_name(name)
    _check_bot_role(role)
    _check_expires_in(expires_in)
    user = _new_bot_user(name=name, actor=actor)
    member_add(board=board, username=user.get_username(), role=role)
    _, token = token_create(user=user, name=BOT_TOKEN_NAME, expires_in=expires_in)
    return user, token


@transaction.atomic
def bot_join(*, board: Board, name: str, role: str | None = None, actor=None):
    """The bot named `name` as a member of `board` (boards.services): made when missing (without a
    token), added to the board, or given `role` there. With no role a new member is an editor and
    an existing one keeps theirs. A person of that name is an error: they are no bot."""
    if role is not None:
        _check_bot_role(role)
    users = get_user_model()
    user = users.objects.filter(**{users.USERNAME_FIELD: name}).first()
    if user is None:
        user = _new_bot_user(name=_clean_bot_name(name), actor=actor)
    elif not Bot.objects.select_for_update().filter(user=user).exists():
        raise ValidationError({"name": [f"{name!r} is a person, not a bot."]})
    username = user.get_username()
    if not Membership.objects.filter(board=board, user=user).exists():
        member_add(board=board, username=username, role=role or Role.EDITOR)
    elif role is not None:
        member_update(board=board, username=username, role=role)
    return user


@transaction.atomic
def bot_remove(*, board: Board, name: str, actor=None) -> None:
    """Take the bot off `board` (and so off its tasks, boards.services.member_remove) and revoke all
    its tokens; a bot left on no board is deleted (its tasks and history keep their rows, without
    it). Bot.DoesNotExist when `board` has no such bot."""
    # The bot's row locked first: two boards removing it at once cannot both leave it behind.
    bot = Bot.objects.select_for_update().get(
        user__username=name, user__board_memberships__board=board
    )
    member_remove(board=board, username=name, actor=actor)
    ApiToken.objects.filter(user_id=bot.user_id).delete()
    if not Membership.objects.filter(user_id=bot.user_id).exists():
        get_user_model().objects.filter(pk=bot.user_id).delete()


# --- Notification preferences (quiet hours) -------------------------------------------------------


def quiet_hours_end(preferences, now: datetime) -> datetime | None:
    """When `now` falls in the person's quiet hours (in their time zone), the moment they end;
    None when it does not (or they have none)."""
    if preferences is None or preferences.quiet_start is None or preferences.quiet_end is None:
        return None
    start, end = preferences.quiet_start, preferences.quiet_end
    if start == end:
        return None
    local = now.astimezone(ZoneInfo(preferences.time_zone))
    clock = local.time().replace(tzinfo=None)
    if start < end:
        quiet = start <= clock < end
        end_day = local.date()
    else:  # across midnight
        quiet = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not quiet:
        return None
    ends = datetime.combine(end_day, end).replace(tzinfo=ZoneInfo(preferences.time_zone))
    return ends.astimezone(UTC)


def notification_preferences_update(*, user, **fields):
    """Create or change `user`'s preferences (time_zone, quiet_start, quiet_end)."""
    from accounts.models import NotificationPreferences

    preferences, _ = NotificationPreferences.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(preferences, name, value)
    if fields:
        preferences.save(update_fields=list(fields))
    return preferences
