"""Writes for boards and their members. The API and the admin call these.

A board always keeps at least one owner (`_keep_an_owner`). Every write reads the board's row under
a lock first (`_locked_board`), so two owners demoting or removing each other at once take turns,
and the second sees the first's change and is refused rather than leaving the board ownerless.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from boards.access import is_bot, require_may_create_boards
from boards.models import Board, Membership, Role, Visibility
from boards.signals import member_removed
from tracker import events


def _locked_board(board: Board) -> Board:
    """The board's row, read again under a lock held until commit; Board.DoesNotExist when gone.

    FOR NO KEY UPDATE (PostgreSQL; SQLite lets one writer in at a time anyway): it serialises the
    writes of this module, yet does not block the key-share lock that a task or notification
    written meanwhile takes on its board to check the foreign key.
    """
    return Board.objects.select_for_update(no_key=True).get(pk=board.pk)


def _clean(instance: Board | Membership) -> None:
    # The field rules (a name, its length, a known visibility or role); the constraints and unique
    # checks are the database's, and the callers check them under their lock.
    instance.full_clean(validate_unique=False, validate_constraints=False)


def _published(board_id: int, kind: str = "board.updated") -> None:
    events.publish_after_commit(kind, {"board": board_id})


@transaction.atomic
def board_create(
    *,
    name: str,
    visibility: str = Visibility.PRIVATE,
    escalate_after_reminders: int = 0,
    remind_hours_before_due: float | None = None,
    tag_colours: dict[str, str] | None = None,
    actor,
) -> Board:
    """A new board, owned by `actor` (a person or the service account; not a bot), with any of
    the settings PATCH /boards/{id} changes."""
    require_may_create_boards(actor)
    board = Board(
        name=name.strip(),
        visibility=visibility,
        escalate_after_reminders=escalate_after_reminders,
        remind_hours_before_due=remind_hours_before_due,
        tag_colours=tag_colours or {},
    )
    _clean(board)
    board.save()
    Membership.objects.create(board=board, user=actor, role=Role.OWNER)
    _published(board.pk, "board.created")
    return board


_UNCHANGED = object()


@transaction.atomic
def board_update(
    *,
    board: Board,
    name: str | None = None,
    visibility: str | None = None,
    remind_hours_before_due: object = _UNCHANGED,
    tag_colours: dict[str, str] | None = None,
    escalate_after_reminders: int | None = None,
) -> Board:
    """Rename the board, change its visibility, its due-date reminder or its escalation (None
    leaves a name, a visibility or the escalation as it is; the reminder may be set to None, off);
    the board as saved."""
    board = _locked_board(board)
    changed = []
    if escalate_after_reminders is not None:
        board.escalate_after_reminders = escalate_after_reminders
        changed.append("escalate_after_reminders")
    if tag_colours is not None:
        board.tag_colours = tag_colours
        changed.append("tag_colours")
    if remind_hours_before_due is not _UNCHANGED:
        board.remind_hours_before_due = remind_hours_before_due
        changed.append("remind_hours_before_due")
    if name is not None:
        board.name = name.strip()
        changed.append("name")
    if visibility is not None:
        board.visibility = visibility
        changed.append("visibility")
    if changed:
        _clean(board)
        board.save(update_fields=changed)
        _published(board.pk)
    return board


@transaction.atomic
def board_delete(*, board: Board) -> int:
    """Delete the board with everything on it (tasks, their history, notifications, members).

    The default board stays: requests that name no board act on it.
    """
    board_id = board.pk
    # The tasks' rows first, as task_delete locks one: a reminder sweep that claimed one of them
    # commits first, a later one skips them, and none writes a reminder onto the deleted board.
    list(board.tasks.select_for_update().values_list("pk"))
    board = Board.objects.select_for_update().get(pk=board_id)
    if board.is_default:
        raise ValidationError(
            f"Board '{board.name}' is the default board, which requests naming no board use: "
            "it cannot be deleted. Delete its tasks instead, or rename it."
        )
    board.delete()
    _published(board_id, "board.deleted")
    return board_id


def _user(username: str):
    users = get_user_model()
    user = users.objects.filter(**{users.USERNAME_FIELD: username}, is_active=True).first()
    if user is None:
        raise ValidationError({"username": [f"There is no user named '{username}'."]})
    return user


def _membership(board: Board, username: str) -> Membership:
    """The member's row, under the lock of the board the caller holds; Membership.DoesNotExist."""
    users = get_user_model()
    return Membership.objects.select_related("user").get(
        board=board, **{f"user__{users.USERNAME_FIELD}": username}
    )


def _keep_an_owner(membership: Membership, new_role: str | None) -> None:
    """Refuse to leave the board without an owner; the caller holds the board's lock."""
    if membership.role != Role.OWNER or new_role == Role.OWNER:
        return
    others = Membership.objects.filter(board_id=membership.board_id, role=Role.OWNER)
    if not others.exclude(pk=membership.pk).exists():
        change = "removed" if new_role is None else f"made {new_role}"
        raise ValidationError(
            {
                "role": [
                    f"'{membership.user.get_username()}' is the board's last owner and cannot be "
                    f"{change}: a board keeps at least one owner. Make another member owner first."
                ]
            }
        )


def _no_bot_owner(user, role: str) -> None:
    """Bots are viewers or editors: an owner could change members, settings and bots."""
    if role == Role.OWNER and is_bot(user):
        raise ValidationError(
            {"role": [f"'{user.get_username()}' is a bot: bots may be viewers or editors only."]}
        )


@transaction.atomic
def member_add(*, board: Board, username: str, role: str) -> Membership:
    board = _locked_board(board)
    user = _user(username)
    existing = Membership.objects.filter(board=board, user=user).first()
    if existing is not None:
        raise ValidationError(
            {
                "username": [
                    f"'{username}' is already a member of this board (as {existing.role}): "
                    "change their role with PATCH on the member instead."
                ]
            }
        )
    _no_bot_owner(user, role)
    membership = Membership(board=board, user=user, role=role)
    _clean(membership)
    membership.save()
    _published(board.pk)
    return membership


@transaction.atomic
def member_update(*, board: Board, username: str, role: str) -> Membership:
    """Give a member another role; Membership.DoesNotExist when they are not a member."""
    board = _locked_board(board)
    membership = _membership(board, username)
    if membership.role == role:
        return membership
    _keep_an_owner(membership, role)
    _no_bot_owner(membership.user, role)
    membership.role = role
    _clean(membership)
    membership.save(update_fields=["role"])
    _published(board.pk)
    return membership


@transaction.atomic
def member_remove(*, board: Board, username: str, actor=None) -> None:
    """Take a member off the board, and off the board's tasks they were assigned to (assignees
    are members: tasks.services.task_unassign_removed_member); Membership.DoesNotExist when
    they are not a member."""
    board = _locked_board(board)
    membership = _membership(board, username)
    _keep_an_owner(membership, None)
    membership.delete()
    member_removed.send(sender=Membership, board=board, user=membership.user, actor=actor)
    _published(board.pk)
