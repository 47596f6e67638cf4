"""Writes for tasks. The API, the board, the admin and the reminder worker all call these.

The status rule lives in `_apply_status` and nowhere else: a status change pings the task
(`Task.ping`, which schedules the reminder while in progress and clears it otherwise), and entering
done writes one completion notification.

A card's place in its column is its rank (tasks.ranks), set by `_save_placed` and nowhere else: a
move writes the moved card alone, next to an anchor (`before`/`after`), at an index (`position`) or
at the column's end.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from boards.access import default_board
from boards.models import Board, Membership
from notifications import board_webhooks
from notifications.services import notification_create_completion
from tasks import ranks
from tasks.breakdown import phases_create
from tasks.comments import system_comment_create
from tasks.models import (
    DEFAULT_GRACE_MINUTES,
    DEFAULT_INTERVAL_MINUTES,
    Task,
    TaskChange,
    TaskChangeKind,
    TaskPriority,
    TaskStatus,
)
from tasks.tags import parse_tags, tags_set
from tracker import events

logger = logging.getLogger(__name__)


# What a status change resets besides the schedule (_apply_status).
STATUS_RESETS = (
    "reminders_paused_until",
    "unanswered_reminders",
    "due_soon_notified_at",
    "overdue_notified_at",
)


def _apply_status(task: Task, status: str, now: datetime) -> bool:
    """Set a new status and its schedule on the instance; True if the status changed."""
    if status == task.status and task.pk is not None:
        return False
    if task.status == TaskStatus.DONE and task.pk is not None:
        # Reopened: a done task's due date passing sent nothing (reminders.due), so the reopened
        # task gets its "due soon" and "overdue" reminders afresh.
        task.due_soon_notified_at = task.overdue_notified_at = None
    task.status = status
    # Moving on ends an acknowledgement's or a snooze's pause and the unanswered streak.
    task.reminders_paused_until = None
    task.unanswered_reminders = 0
    task.ping(now)
    return True


# pg_advisory_xact_lock key space (the first of its two int4 keys) for the order of one board's
# column; the second key is the board and column (_column_key). Any constant no other code uses.
COLUMN_ORDER_LOCK = 0x5747_0001
_COLUMN_KEYS = {status: number for number, status in enumerate(TaskStatus.values)}


def _column_key(board_id: int, status: str) -> int:
    # Wraps past 2**31 / 3 boards: two columns then share a lock, which only serialises them.
    return (board_id * len(_COLUMN_KEYS) + _COLUMN_KEYS[status]) % 2**31


# Tries at a placement whose rank another writer took first (see _save_placed).
_PLACEMENT_ATTEMPTS = 5


def _lock_column_order(board_id: int, status: str, *, exclusive: bool = False) -> None:
    """On PostgreSQL, hold the order lock of one board's column until commit: shared to place a
    card in it, exclusive to respace it (column_respace).

    Placements never wait for one another (a new rank moves no other card); they only keep a
    respace, which rewrites every rank of the column, from interleaving with a rank computed from
    the old ones. Taken before any row lock, so that a queued respace cannot close a wait cycle.
    SQLite's IMMEDIATE transactions let one writer in at a time anyway.
    """
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {function}(%s, %s)", [COLUMN_ORDER_LOCK, _column_key(board_id, status)]
            )


def _label(status: str) -> str:
    return TaskStatus(status).label


def _anchor_rank(task: Task, status: str, field: str, anchor_id: int) -> str:
    """The rank of the card named by `before` or `after`, which must sit in the target column."""
    if anchor_id == task.pk:
        raise ValidationError({field: ["A card cannot be placed next to itself."]})
    anchor = (
        Task.objects.filter(pk=anchor_id, board_id=task.board_id)
        .values_list("status", "rank")
        .first()
    )
    if anchor is None:
        raise ValidationError(
            {field: [f"There is no task {anchor_id} on this board to place the card {field}."]}
        )
    if anchor[0] != status:
        raise ValidationError(
            {
                field: [
                    f"Task {anchor_id} is in {_label(anchor[0])}, not in {_label(status)}: "
                    f"name a card of the column the task moves to, or leave {field} out."
                ]
            }
        )
    return anchor[1]


def _neighbours(
    task: Task, *, before: int | None, after: int | None, position: int | None
) -> tuple[str | None, str | None]:
    """The ranks the task goes between in its (new) column; None for the column's end.

    `before`/`after` name a card; `position` is a 0-based index among the column's other cards,
    the form of earlier clients; none of them means the end of the column.
    """
    column = Task.objects.filter(board_id=task.board_id, status=task.status).exclude(pk=task.pk)
    upwards = column.order_by("rank").values_list("rank", flat=True)
    downwards = column.order_by("-rank").values_list("rank", flat=True)
    if before is not None:
        rank = _anchor_rank(task, task.status, "before", before)
        return downwards.filter(rank__lt=rank).first(), rank
    if after is not None:
        rank = _anchor_rank(task, task.status, "after", after)
        return rank, upwards.filter(rank__gt=rank).first()
    if position == 0:
        return None, upwards.first()
    if position is not None:
        pair = list(upwards[position - 1 : position + 1])
        if pair:
            return pair[0], pair[1] if len(pair) == 2 else None
    return downwards.first(), None


def _save_placed(
    task: Task,
    save: Callable[[], None],
    *,
    before: int | None = None,
    after: int | None = None,
    position: int | None = None,
) -> None:
    """Give the task a rank at the asked place in its column and `save()` it.

    Two writers placing cards into the same gap at once may pick the same rank (rarely: ranks are
    picked at random inside the gap); the unique constraint refuses the second, which reads the
    gap again and picks anew. A column whose ranks grow long is respaced after commit.
    """
    for attempt in range(_PLACEMENT_ATTEMPTS):
        task.rank = ranks.between(*_neighbours(task, before=before, after=after, position=position))
        try:
            with transaction.atomic():
                save()
            break
        except IntegrityError as error:
            if "rank" not in str(error) or attempt == _PLACEMENT_ATTEMPTS - 1:
                raise
    if len(task.rank) > ranks.RESPACE_LENGTH:
        transaction.on_commit(partial(_respace_quietly, task.board_id, task.status))


@transaction.atomic
def column_respace(*, board_id: int, status: str) -> int:
    """Give a column's cards short, evenly spaced ranks again, in the same order; how many.

    Only when some rank grew past ranks.RESPACE_LENGTH (cards inserted again and again into one
    gap): a second respace queued behind the first finds nothing to do.
    """
    _lock_column_order(board_id, status, exclusive=True)
    # Row locks too: a card leaving the column meanwhile (no column lock needed for that) either
    # commits first and is not read, or waits until this commits.
    column = list(
        Task.objects.select_for_update()
        .filter(board_id=board_id, status=status)
        .order_by("rank")
        .only("pk", "rank")
    )
    if not column or max(len(task.rank) for task in column) <= ranks.RESPACE_LENGTH:
        return 0
    ids = [task.pk for task in column]
    # First out of the way ("~" sorts after every rank digit): the new ranks may equal old ones of
    # other cards, and the unique constraint is checked row by row.
    Task.objects.filter(pk__in=ids).update(rank=Concat(Value("~"), Cast("id", CharField())))
    for task, rank in zip(column, ranks.spread(len(column)), strict=True):
        task.rank = rank
    Task.objects.bulk_update(column, ["rank"], batch_size=500)
    return len(column)


def _respace_quietly(board_id: int, status: str) -> None:
    # After the move committed: a respace that fails is retried by the next long rank, and must
    # not turn the move's answer into an error.
    try:
        column_respace(board_id=board_id, status=status)
    except DatabaseError:
        logger.exception("Respacing the %s column failed; the next long rank retries it", status)


def column_end_ranks(board_id: int, status: str, count: int) -> list[str]:
    """`count` increasing ranks after the column's last card, for bulk inserts (demo data).

    Call it inside the transaction that inserts them: it holds the column's order lock until then.
    """
    _lock_column_order(board_id, status)
    last = (
        Task.objects.filter(board_id=board_id, status=status)
        .order_by("-rank")
        .values_list("rank", flat=True)
        .first()
    )
    return ranks.after(last, count)


def _one_place(before: int | None, after: int | None, position: int | None) -> None:
    given = [
        name
        for name, value in (("before", before), ("after", after), ("position", position))
        if value is not None
    ]
    if len(given) > 1:
        message = f"Give one of before, after and position, not {' and '.join(given)}."
        raise ValidationError({name: [message] for name in given})


def _board_members(board_id: int, usernames: list[str]) -> list:
    """The users named, each a member of the board (any role); a 400 naming those who are not."""
    wanted = list(dict.fromkeys(name.strip() for name in usernames))
    # Locked until commit: a member being removed meanwhile (boards.services.member_remove, which
    # then unassigns them) waits for this assignment, so nobody stays assigned who is no member.
    members = {
        membership.user.get_username(): membership.user
        for membership in Membership.objects.filter(
            board_id=board_id, user__username__in=wanted, user__is_active=True
        )
        .select_related("user")
        .select_for_update(of=("self",))
    }
    missing = [name for name in wanted if name not in members]
    if missing:
        names = ", ".join(repr(name) for name in missing)
        raise ValidationError(
            {
                "assignees": [
                    f"Not a member of this board: {names}. Assign members only; "
                    "an owner adds people under the board's members."
                ]
            }
        )
    return [members[name] for name in wanted]


def _actor_name(actor) -> str:
    return actor.get_username() if actor is not None and actor.is_authenticated else ""


def _record(task: Task, *, actor, kind: str, changes: dict, now: datetime) -> None:
    """One row of the task's history: who changed what (TaskChange), and the change's deliveries
    to the board's webhooks (the outbox, in the same transaction): every task write comes here."""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    board_webhooks.task_event_write(
        task=task, kind=kind, changes=changes, actor_name=_actor_name(actor), now=now
    )
    TaskChange.objects.create(
        board_id=task.board_id,
        task=task if kind != TaskChangeKind.DELETED else None,
        task_number=task.pk,
        task_name=task.name,
        actor_id=actor_id,
        actor_name=_actor_name(actor),
        kind=kind,
        changes=changes,
        at=now,
    )


def _usernames(users) -> list[str]:
    return sorted(user.get_username() for user in users)


# Left out of full_clean: the rank is placed at save, and the board and creator are rows the caller
# holds (their foreign keys guard them; validating would cost a query each on every write).
_NOT_VALIDATED = ["rank", "board", "created_by"]


@transaction.atomic
def task_create(
    *,
    name: str,
    description: str = "",
    interval_minutes: float = DEFAULT_INTERVAL_MINUTES,
    grace_minutes: float = DEFAULT_GRACE_MINUTES,
    status: str = TaskStatus.TODO,
    board: Board | None = None,
    assignees: list[str] | None = None,
    priority: str = TaskPriority.MEDIUM,
    due_date: datetime | None = None,
    context_tags: str | None = None,
    definition_of_done: str | None = None,
    phases: list[dict] | None = None,
    actor=None,
    before: int | None = None,
    after: int | None = None,
    position: int | None = None,
    now: datetime | None = None,
) -> Task:
    """A new task on `board` (default: the default board), placed before or after a card of its
    column, at a 0-based `position`, or (none given) at the end of the column.

    `assignees` are usernames of the board's members; `actor` (a user, or None for the system) is
    recorded as its creator. Who may create it is the caller's to check (boards.access).
    `phases` (tasks.breakdown.phases_create) are created with it, in the same transaction.
    """
    now = now or timezone.now()
    board = board or default_board()
    _one_place(before, after, position)
    assigned = _board_members(board.pk, assignees) if assignees else []
    _lock_column_order(board.pk, status)
    task = Task(
        board=board,
        name=name.strip(),
        description=description,
        interval_minutes=interval_minutes,
        grace_minutes=grace_minutes,
        created_at=now,
        last_ping=now,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        priority=priority,
        due_date=due_date,
        context_tags=context_tags,
        definition_of_done=definition_of_done,
    )
    parse_tags(context_tags)  # a 400 before anything is written
    _apply_status(task, status, now)
    task.full_clean(exclude=_NOT_VALIDATED, validate_unique=False, validate_constraints=False)
    _save_placed(task, task.save, before=before, after=after, position=position)
    if assigned:
        task.assignees.set(assigned)
    tags_set(task=task, context_tags=context_tags, created=True)
    phases_create(task=task, phases=phases or [], actor=actor, now=now)
    system_comment_create(task=task, text=f"Task '{task.name}' created", actor=actor, now=now)
    _record(task, actor=actor, kind=TaskChangeKind.CREATED, changes={}, now=now)
    if task.status == TaskStatus.DONE:
        notification_create_completion(task=task, now=now)
    events.publish_after_commit("task.created", {"id": task.pk, "board": task.board_id})
    return task


# Fields whose old and new values a task's history records.
_RECORDED_FIELDS = (
    "name",
    "description",
    "status",
    "interval_minutes",
    "priority",
    "due_date",
    "context_tags",
    "definition_of_done",
    "grace_minutes",
)
# due_date, context_tags and definition_of_done may be cleared to None: "not given" is this.
_UNCHANGED = object()


def _recorded(value):
    """A value as TaskChange.changes (JSON) keeps it."""
    return value.isoformat() if isinstance(value, datetime) else value


@transaction.atomic
def task_update(
    *,
    task: Task,
    name: str | None = None,
    description: str | None = None,
    interval_minutes: float | None = None,
    grace_minutes: float | None = None,
    status: str | None = None,
    assignees: list[str] | None = None,
    priority: str | None = None,
    due_date: object = _UNCHANGED,
    context_tags: object = _UNCHANGED,
    definition_of_done: object = _UNCHANGED,
    actor=None,
    before: int | None = None,
    after: int | None = None,
    position: int | None = None,
    now: datetime | None = None,
) -> Task:
    """Change any of the given fields (None leaves a field as it is; `due_date`, `context_tags`
    and `definition_of_done` may be set to None, and are left as they are when not given) with the status rules applied.

    `before`/`after` (a card of the task's new column) or `position` (0-based among its other
    cards) place the task in its column; moving to another column without them puts the task at
    the end of that column. `assignees` replaces the task's assignees (usernames of members).

    Returns the task as saved (a fresh instance; `task` only names it). Raises Task.DoesNotExist
    when the task is gone.
    """
    now = now or timezone.now()
    _one_place(before, after, position)
    anchored = before is not None or after is not None or position is not None
    locked_column = None
    if status is not None or anchored:
        # The column the task lands in, locked before the row lock below (see _lock_column_order).
        current = Task.objects.filter(pk=task.pk).values_list("board_id", "status").first()
        board_id, current_status = current or (task.board_id, task.status)
        locked_column = status or current_status
        _lock_column_order(board_id, locked_column)
    # Read and write under the row lock, and save only the fields this call names (plus the ones
    # they derive), so a concurrent writer's change to another field is never overwritten with the
    # caller's stale copy; and two writers cannot both see "not done yet" and both notify.
    # Task.DoesNotExist when the task was deleted meanwhile (the API answers 404).
    task = Task.objects.select_for_update().get(pk=task.pk)
    before_values = {field: getattr(task, field) for field in _RECORDED_FIELDS}
    changed = {"updated_at"}

    if name is not None:
        task.name = name.strip()
        changed.add("name")
    if description is not None:
        task.description = description
        changed.add("description")
    interval_changed = interval_minutes is not None and interval_minutes != task.interval_minutes
    if interval_minutes is not None:
        task.interval_minutes = interval_minutes
        changed.add("interval_minutes")
    if priority is not None:
        task.priority = priority
        changed.add("priority")
    nullable = {
        "due_date": due_date,
        "context_tags": context_tags,
        "definition_of_done": definition_of_done,
    }
    for field, value in nullable.items():
        if value is not _UNCHANGED:
            setattr(task, field, value)
            changed.add(field)
    if due_date is not _UNCHANGED and due_date != before_values["due_date"]:
        # A new due date gets its own "due soon" and "overdue" reminders (reminders.due).
        task.due_soon_notified_at = task.overdue_notified_at = None
        changed |= {"due_soon_notified_at", "overdue_notified_at"}
    if context_tags is not _UNCHANGED:
        parse_tags(context_tags)  # a 400 before anything is written
    if grace_minutes is not None:
        # Takes effect at the next ping, which arms the stall timer (tasks.heartbeats).
        task.grace_minutes = grace_minutes
        changed.add("grace_minutes")

    status_changed = status is not None and _apply_status(task, status, now)
    if status_changed:
        changed |= {"status", "last_ping", "next_reminder_at", *STATUS_RESETS}
    if interval_changed and not status_changed and task.status == TaskStatus.IN_PROGRESS:
        task.ping(task.last_ping)  # the same ping, the new interval
        changed |= {"last_ping", "next_reminder_at"}

    task.full_clean(exclude=_NOT_VALIDATED, validate_unique=False, validate_constraints=False)
    assigned = None if assignees is None else _board_members(task.board_id, assignees)
    if status_changed or anchored:
        if task.status != locked_column:
            # Moved to another column by a concurrent write between the two reads above; locking
            # that column now, after the row lock, could deadlock. The client's view is stale.
            raise ValidationError(
                {
                    "status": [
                        f"Task {task.pk} moved to {_label(task.status)} meanwhile: "
                        "send its status with the move to say which column it goes to."
                    ]
                }
            )
        changed.add("rank")
        fields = sorted(changed)
        _save_placed(
            task,
            lambda: task.save(update_fields=fields),
            before=before,
            after=after,
            position=position,
        )
    else:
        task.save(update_fields=sorted(changed))
    if context_tags is not _UNCHANGED and context_tags != before_values["context_tags"]:
        tags_set(task=task, context_tags=context_tags)
    changes = {
        field: [_recorded(old), _recorded(getattr(task, field))]
        for field, old in before_values.items()
        if getattr(task, field) != old
    }
    if assigned is not None:
        old_assignees = _usernames(task.assignees.all())
        if old_assignees != _usernames(assigned):
            task.assignees.set(assigned)
            changes["assignees"] = [old_assignees, _usernames(assigned)]
    if changes or anchored:
        if anchored and "status" not in changes:
            changes["rank"] = "moved"
        _record(task, actor=actor, kind=TaskChangeKind.UPDATED, changes=changes, now=now)
    if status_changed and task.status == TaskStatus.DONE:
        notification_create_completion(task=task, now=now)
    events.publish_after_commit(
        "task.updated", {"id": task.pk, "board": task.board_id, "status": task.status}
    )
    return task


@transaction.atomic
def task_delete(
    *, task: Task, actor=None, now: datetime | None = None, archived_before: datetime | None = None
) -> int:
    """Delete the task for good, archived or not; the board and the API archive instead
    (task_archive). With `archived_before`, only if it was archived before then, checked under
    the lock (the purge: a task restored meanwhile stays). Raises Task.DoesNotExist otherwise."""
    task_id = task.pk
    rows = Task.all_objects.filter(pk=task_id)
    if archived_before is not None:
        rows = rows.filter(archived_at__lte=archived_before)
    # Lock the row before Django nulls the notifications' task: a reminder sweep that claimed this
    # task commits first (and its reminder is nulled with the rest), a later one skips it. Otherwise
    # its reminder could point at the deleted row, and the commit fails on the foreign key (a 500).
    # A concurrent delete that committed first leaves nothing to lock: Task.DoesNotExist (a 404), so
    # of two DELETEs exactly one succeeds.
    if not list(rows.select_for_update().values_list("pk")):
        raise Task.DoesNotExist(f"Task {task_id} does not exist.")
    board_id = task.board_id
    task.delete()
    task.pk = task_id
    _record(task, actor=actor, kind=TaskChangeKind.DELETED, changes={}, now=now or timezone.now())
    events.publish_after_commit("task.deleted", {"id": task_id, "board": board_id})
    return task_id


@transaction.atomic
def task_archive(*, task: Task, actor=None, now: datetime | None = None) -> int:
    """Take the task off its board into the archive (what "delete" does on the board and in the
    API): hidden from every read (TaskManager), no reminders, restorable with task_restore until
    archived_tasks_purge deletes it. Raises Task.DoesNotExist when it is gone or archived already,
    so of two concurrent deletes exactly one succeeds (the other is a 404, as before)."""
    now = now or timezone.now()
    # Under the row lock: a reminder sweep that claimed the task commits first and this waits;
    # a later sweep no longer sees it.
    task = Task.objects.select_for_update().get(pk=task.pk)
    task.archived_at = now
    task.save(update_fields=["archived_at", "updated_at"])
    _record(task, actor=actor, kind=TaskChangeKind.ARCHIVED, changes={}, now=now)
    # "deleted" for open boards and clients of the stream: the card goes, as after a delete.
    events.publish_after_commit(
        "task.deleted", {"id": task.pk, "board": task.board_id, "archived": True}
    )
    return task.pk


@transaction.atomic
def task_restore(*, task: Task, actor=None, now: datetime | None = None) -> Task:
    """Put an archived task back on its board, in its column at its old place (next to the card
    that took its rank meanwhile, if one did), with everything it had. Raises Task.DoesNotExist
    when it is not archived (restored already, purged, or never archived)."""
    now = now or timezone.now()
    current = (
        Task.all_objects.filter(pk=task.pk, archived_at__isnull=False)
        .values_list("board_id", "status")
        .first()
    )
    if current is None:
        raise Task.DoesNotExist(f"Task {task.pk} is not archived.")
    # The column's order lock before the row lock, as every placement takes them.
    _lock_column_order(*current)
    task = (
        Task.all_objects.select_for_update().filter(pk=task.pk, archived_at__isnull=False).first()
    )
    if task is None:
        raise Task.DoesNotExist(f"Task {task.pk} is not archived.")
    task.archived_at = None
    fields = ["archived_at", "updated_at"]
    column = Task.objects.filter(board_id=task.board_id, status=task.status)
    if column.filter(rank=task.rank).exists():
        below = column.filter(rank__lt=task.rank).order_by("-rank").values_list("rank", flat=True)
        task.rank = ranks.between(below.first(), task.rank)
        fields.append("rank")
    task.save(update_fields=fields)
    _record(task, actor=actor, kind=TaskChangeKind.RESTORED, changes={}, now=now)
    events.publish_after_commit(
        "task.created", {"id": task.pk, "board": task.board_id, "restored": True}
    )
    return task


# Tasks one purge pass deletes at most: a pass of the reminder loop stays short; the rest waits
# for the next pass.
PURGE_BATCH_SIZE = 100


def archived_tasks_purge(
    *, now: datetime | None = None, retention_days: float | None = None
) -> int:
    """Delete for good the tasks archived more than `retention_days` (default
    settings.ARCHIVE_RETENTION_DAYS) before `now`, at most PURGE_BATCH_SIZE; how many.
    0 days keeps archived tasks forever. Run by every pass of the reminder loop (reminders.watch)
    and by `manage.py purge_archived`."""
    now = now or timezone.now()
    days = settings.ARCHIVE_RETENTION_DAYS if retention_days is None else retention_days
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    expired = Task.all_objects.filter(archived_at__lte=cutoff).order_by("pk")
    purged = 0
    for task in expired[:PURGE_BATCH_SIZE]:
        try:
            task_delete(task=task, now=now, archived_before=cutoff)
        except Task.DoesNotExist:
            continue  # restored, or purged by another worker, meanwhile
        purged += 1
    return purged


@transaction.atomic
def tasks_unassign(*, board: Board, user, actor=None, now: datetime | None = None) -> int:
    """Take `user` off the assignees of every task of `board`, as they left it (assignees are
    members), each change in its task's history; how many tasks changed."""
    now = now or timezone.now()
    tasks = list(
        Task.objects.select_for_update(of=("self",))
        .filter(board=board, assignees=user)
        .order_by("pk")
    )
    if not tasks:
        return 0
    through = Task.assignees.through
    assigned: dict[int, list[str]] = {}
    for task_id, username in through.objects.filter(task__in=tasks).values_list(
        "task_id", "user__username"
    ):
        assigned.setdefault(task_id, []).append(username)
    through.objects.filter(task__in=tasks, user=user).delete()
    for task in tasks:
        old = sorted(assigned[task.pk])
        new = [name for name in old if name != user.get_username()]
        _record(
            task,
            actor=actor,
            kind=TaskChangeKind.UPDATED,
            changes={"assignees": [old, new]},
            now=now,
        )
        events.publish_after_commit(
            "task.updated", {"id": task.pk, "board": task.board_id, "status": task.status}
        )
    return len(tasks)


def on_member_removed(sender, *, board: Board, user, actor=None, **kwargs) -> None:
    # boards.signals.member_removed (connected in tasks.apps): inside member_remove's transaction.
    tasks_unassign(board=board, user=user, actor=actor)
