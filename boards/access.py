"""Who may read or change what: the one place the board permission rules live.

Actors are people (users), bots (users with an accounts.Bot row, members of their boards like
people) and the service account of the static API_AUTH_TOKEN, which is an editor of every board.
Superusers (site administrators) own every board. Anyone may read a public board while
settings.PUBLIC_READ is true.

Everything a caller may not read is a 404 wherever it is asked for (tasks, boards, notifications),
so nothing reveals that it exists: every lookup goes through `readable_boards`. What a caller may
read but lacks the role to change is a 403 that names the role needed (`require_role`).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from rest_framework.exceptions import NotFound, PermissionDenied

from boards.models import DEFAULT_BOARD_NAME, ROLE_ORDER, Board, Membership, Role, Visibility

# What each role allows, for the refusal messages.
_ROLE_ALLOWS = {
    Role.VIEWER: "read it",
    Role.EDITOR: "create, edit, move and delete its tasks",
    Role.OWNER: "change its settings, members and bots, and delete it",
}


def acts_as_service(actor) -> bool:
    """The static API_AUTH_TOKEN's account (accounts.authentication marks it per request)."""
    return getattr(actor, "acts_as_service", False)


def is_bot(actor) -> bool:
    """A bot: a user with an accounts.Bot row (`user.bot`, loaded with its token by
    accounts.authentication, so asking costs no query there)."""
    return actor is not None and getattr(actor, "bot", None) is not None


def _signed_in_as_bot(actor) -> bool:
    """Whether `actor` is a bot, from what token authentication loaded alone (no query): bots
    reach the API only with a token (accounts.backends keeps them off pages), and
    accounts.authentication reads the token's user with its bot row."""
    cache = getattr(getattr(actor, "_state", None), "fields_cache", {})
    return cache.get("bot") is not None


def require_may_create_boards(actor) -> None:
    """Bots work on the boards they were given: they make none (and so never own one they made)."""
    if is_bot(actor):
        raise PermissionDenied(
            "Bots cannot make boards: a person makes the board and adds the bot as a member."
        )


def sees_every_board(actor) -> bool:
    return acts_as_service(actor) or bool(getattr(actor, "is_superuser", False))


def readable_boards(actor) -> QuerySet[Board]:
    """The boards `actor` may read: members' boards, public ones while PUBLIC_READ (not for bots:
    a bot's token reaches its own boards alone), or all."""
    if sees_every_board(actor):
        return Board.objects.all()
    readable = Q(pk__in=[])
    if settings.PUBLIC_READ and not _signed_in_as_bot(actor):
        readable |= Q(visibility=Visibility.PUBLIC)
    if actor is not None and actor.is_authenticated:
        readable |= Q(pk__in=Membership.objects.filter(user=actor).values("board_id"))
    return Board.objects.filter(readable)


def readable_boards_key(actor) -> tuple:
    """What the SQL of `readable_boards(actor)` depends on: equal keys, equal SQL and parameters.
    Hot reads keep their compiled SQL by it (tracker.db.compiled); it changes with that function."""
    if sees_every_board(actor):
        return ("all",)
    public = bool(settings.PUBLIC_READ) and not _signed_in_as_bot(actor)
    member = actor.pk if actor is not None and actor.is_authenticated else None
    return ("readable", public, member)


def role_given(actor, membership_role: str | None) -> str | None:
    """The role `actor` has on a board where their membership's role is `membership_role` (None:
    not a member). Superusers own every board; the service account edits every board and owns
    the ones it created (boards.services.board_create records it as their owner)."""
    if getattr(actor, "is_superuser", False):
        return Role.OWNER
    if acts_as_service(actor):
        return Role.OWNER if membership_role == Role.OWNER else Role.EDITOR
    return membership_role


def role_on(actor, board: Board) -> str | None:
    """The role `actor` has on `board`: their membership's, or what the service account and
    superusers have everywhere; None for a non-member (who may still read a public board)."""
    if getattr(actor, "is_superuser", False):
        return Role.OWNER
    if actor is None or not actor.is_authenticated:
        return None
    membership_role = (
        Membership.objects.filter(board=board, user=actor).values_list("role", flat=True).first()
    )
    return role_given(actor, membership_role)


def role_allows(role: str | None, needed: str) -> bool:
    return role is not None and ROLE_ORDER.index(role) >= ROLE_ORDER.index(needed)


def can_read(actor, board: Board) -> bool:
    if sees_every_board(actor):
        return True  # no query: every board is theirs to read
    return readable_boards(actor).filter(pk=board.pk).exists()


def require_role(actor, board: Board, needed: str) -> str:
    """The actor's role on a board they may read, if it is at least `needed`; else PermissionDenied
    with what the role allows. (Callers found the board through `readable_boards`, so an unreadable
    board never gets here: it was a 404.)"""
    return require_role_given(role_on(actor, board), board, needed)


def require_role_given(role: str | None, board: Board, needed: str) -> str:
    """require_role for a role the caller has already looked up (role_on)."""
    if role_allows(role, needed):
        return role
    label = Role(needed).label.lower()
    if role is None:
        who = "You are not a member of this board"
    else:
        who = f"You are a {Role(role).label.lower()} of this board"
    raise PermissionDenied(
        f"{who}: only {label}s{' and owners' if needed == Role.EDITOR else ''} may "
        f"{_ROLE_ALLOWS[Role(needed)]}. Ask an owner of board '{board.name}' for the role."
    )


def readable_board_or_404(actor, board_id: object) -> Board:
    try:
        return readable_boards(actor).get(pk=int(str(board_id)))
    except (Board.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("Board not found") from None


def default_board() -> Board:
    """The board requests naming none act on. Made on first use when missing (the migration makes
    it; a database emptied since, say between tests, has none)."""
    board = Board.objects.filter(is_default=True).first()
    if board is not None:
        return board
    try:
        with transaction.atomic():
            return Board.objects.create(
                name=DEFAULT_BOARD_NAME, visibility=Visibility.PUBLIC, is_default=True
            )
    except IntegrityError:
        # Another request made it first (board_one_default).
        return Board.objects.get(is_default=True)
