"""Reads for boards shared by the API and the pages."""

from django.contrib.auth import get_user_model
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.fields.related_descriptors import ReverseOneToOneDescriptor

from boards.access import readable_boards
from boards.models import Board, Membership


def boards_for(actor) -> QuerySet[Board]:
    """The boards `actor` may read, each with `membership_role` (the actor's membership's role,
    None for a non-member; boards.access.role_given turns it into their role): one query."""
    if actor is not None and actor.is_authenticated:
        role = Subquery(
            Membership.objects.filter(board=OuterRef("pk"), user=actor).values("role")[:1]
        )
    else:
        role = Value(None, output_field=CharField())
    return readable_boards(actor).annotate(membership_role=role).order_by("id")


def _bot_relation() -> list[str]:
    # A bot is a user with an accounts.Bot row (`user.bot`, one to one); read along when it exists.
    descriptor = getattr(get_user_model(), "bot", None)
    return ["user__bot"] if isinstance(descriptor, ReverseOneToOneDescriptor) else []


def board_members(board: Board) -> QuerySet[Membership]:
    """The board's members with their users (and bot rows), by username: one query."""
    users = get_user_model()
    return (
        Membership.objects.filter(board=board)
        .select_related("user", *_bot_relation())
        .order_by(f"user__{users.USERNAME_FIELD}")
    )
