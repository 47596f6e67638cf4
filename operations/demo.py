"""Demo data for a first look at the product: `manage.py seed_demo`.

Rows are written in bulk, so 10,000 tasks take seconds, with every field the services would set:
an in-progress task's reminder is due at last_ping + interval, a done task has its completion
notification, tasks that have been in progress for a while have reminders behind them, and every
task has the "created" row of its history (by the system: no actor, no creator).

The tasks are spread over three boards (DEMO_BOARDS): the default board "Main" and two more, one of
them private. Four demo people (DEMO_PEOPLE) are members of them with different roles, and about
half the tasks are assigned to one or two of a board's owners and editors. Each notification is in
the inbox of the people `notifications.services.recipients_by_task` picks (the task's assignees,
else the board's owners and editors), each with their own read state: people read a notification
somewhere between one and 48 hours after it came, so recent ones are unread for some and read by
others. The shared read flag (anonymous readers, the static token) is set a day after.

Demo people get an unusable password (they cannot log in) unless `password` is given; people who
exist already (an earlier run) are left as they are, and only get the memberships they lack.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from boards.access import default_board
from boards.models import Board, Membership, Role, Visibility
from boards.services import board_create
from notifications.models import InboxEntry, Notification, NotificationType
from notifications.services import completion_message, recipients_by_task, reminder_message
from tasks.models import Task, TaskChange, TaskChangeKind, TaskStatus
from tasks.services import column_end_ranks
from tracker import events

_ACTIONS = [
    "Deploy",
    "Review",
    "Back up",
    "Rotate keys for",
    "Migrate",
    "Load-test",
    "Upgrade",
    "Write docs for",
    "Fix flaky tests in",
    "Profile",
    "Audit access to",
    "Monitor",
]
_SUBJECTS = [
    "the billing service",
    "the staging database",
    "the nightly ETL job",
    "the public API",
    "the search index",
    "the mobile release",
    "the marketing site",
    "the CI runners",
    "the data warehouse",
    "the auth gateway",
    "the image pipeline",
    "the on-call rota",
]
_DETAILS = [
    "",
    "Started by the deploy bot; pings every step.",
    "Agent run: reports progress over the API.",
    "Blocked on review from the platform team.",
    "Checklist in the runbook. Ping when done.",
    "Cron job: marks itself done when the export finishes.",
]
_INTERVALS = [5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 240.0, 1440.0]
# Roughly how a busy board looks: more done than in progress.
_STATUS_WEIGHTS = {TaskStatus.TODO: 35, TaskStatus.IN_PROGRESS: 25, TaskStatus.DONE: 40}
# Notifications older than this are shown as already read in the shared inbox.
_READ_AFTER = timedelta(days=1)
# How long a demo person takes to read a notification in their own inbox (hours, at random).
_READ_WITHIN_HOURS = (1.0, 48.0)
# The share of tasks with assignees, and of those the share with two.
_ASSIGNED_SHARE, _TWO_ASSIGNEES_SHARE = 0.5, 0.2

# username, first name, last name
DEMO_PEOPLE = [
    ("ada", "Ada", "Lovelace"),
    ("grace", "Grace", "Hopper"),
    ("alan", "Alan", "Turing"),
    ("margaret", "Margaret", "Hamilton"),
]


@dataclass(frozen=True)
class DemoBoard:
    name: str  # the first is the default board, whatever it is called now
    visibility: str
    weight: int  # its share of the tasks
    members: dict[str, str]  # username: role


DEMO_BOARDS = [
    DemoBoard(
        "Main",
        Visibility.PUBLIC,
        50,
        {"ada": Role.OWNER, "grace": Role.EDITOR, "alan": Role.EDITOR, "margaret": Role.VIEWER},
    ),
    DemoBoard(
        "Platform",
        Visibility.PUBLIC,
        30,
        {"grace": Role.OWNER, "alan": Role.EDITOR, "ada": Role.VIEWER},
    ),
    DemoBoard("Security", Visibility.PRIVATE, 20, {"margaret": Role.OWNER, "ada": Role.EDITOR}),
]


@dataclass(frozen=True)
class SeedResult:
    tasks: int
    notifications: int
    inbox_entries: int
    boards: int
    people_created: int


def _demo_people(password: str | None) -> tuple[dict[str, object], int]:
    """The demo people by username, made if missing (existing ones are left as they are), and how
    many were made."""
    users = get_user_model()
    wanted = [username for username, _, _ in DEMO_PEOPLE]
    found = {
        user.get_username(): user
        for user in users.objects.filter(**{f"{users.USERNAME_FIELD}__in": wanted})
    }
    new = []
    for username, first_name, last_name in DEMO_PEOPLE:
        if username not in found:
            user = users(
                **{users.USERNAME_FIELD: username},
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@example.com",
            )
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            new.append(user)
    for user in users.objects.bulk_create(new):
        found[user.get_username()] = user
    return found, len(new)


def _demo_boards(people: dict[str, object]) -> list[Board]:
    """The demo boards ("Main" is the default board), made if missing, with their members."""
    boards = []
    for demo in DEMO_BOARDS:
        if demo is DEMO_BOARDS[0]:
            board = default_board()
        else:
            board = Board.objects.filter(name=demo.name, is_default=False).order_by("id").first()
            if board is None:
                owner = next(name for name, role in demo.members.items() if role == Role.OWNER)
                board = board_create(
                    name=demo.name, visibility=demo.visibility, actor=people[owner]
                )
        boards.append(board)
    Membership.objects.bulk_create(
        [
            Membership(board=board, user=people[username], role=role)
            for demo, board in zip(DEMO_BOARDS, boards, strict=True)
            for username, role in demo.members.items()
        ],
        ignore_conflicts=True,  # an earlier run's, or a role someone changed since
    )
    return boards


def _demo_task(
    rng: random.Random, now: datetime, boards: list[Board], assignable: list[list[object]]
) -> tuple[Task, list[object]]:
    """A task on one of `boards` and its assignees (from that board's `assignable` people)."""
    index = rng.choices(range(len(boards)), weights=[demo.weight for demo in DEMO_BOARDS])[0]
    status = rng.choices(list(_STATUS_WEIGHTS), weights=list(_STATUS_WEIGHTS.values()))[0]
    interval = rng.choice(_INTERVALS)
    created_at = now - timedelta(minutes=rng.uniform(10, 14 * 24 * 60))
    task = Task(
        board=boards[index],
        name=f"{rng.choice(_ACTIONS)} {rng.choice(_SUBJECTS)}",
        description=rng.choice(_DETAILS),
        status=status,
        interval_minutes=interval,
        created_at=created_at,
    )
    last_ping = created_at
    if status == TaskStatus.IN_PROGRESS:
        # Somewhere inside the current interval, some a little overdue: the reminder worker has
        # something to send within minutes of seeding.
        since_ping = timedelta(minutes=interval * rng.uniform(0.05, 1.05))
        last_ping = max(created_at, now - since_ping)
    elif status == TaskStatus.DONE:
        last_ping = created_at + (now - created_at) * rng.uniform(0.1, 1.0)
    task.ping(last_ping)  # and the schedule that goes with it (Task.ping)
    assignees = []
    if rng.random() < _ASSIGNED_SHARE:
        how_many = 2 if rng.random() < _TWO_ASSIGNEES_SHARE else 1
        assignees = rng.sample(assignable[index], min(how_many, len(assignable[index])))
    return task, assignees


def _notifications_for(task: Task, now: datetime) -> Iterator[Notification]:
    """What the services and the reminder sweep would have written for this task so far."""
    if task.status == TaskStatus.DONE:
        notification_type, message = NotificationType.COMPLETION, completion_message(task.name)
    elif task.status == TaskStatus.IN_PROGRESS and task.last_ping - task.created_at > task.interval:
        # Its last ping was a reminder firing.
        notification_type = NotificationType.REMINDER
        message = reminder_message(task.name, task.pk)
    else:
        return
    yield Notification(
        task=task,
        board_id=task.board_id,
        task_name=task.name,
        message=message,
        notification_type=notification_type,
        created_at=task.last_ping,
        is_read=now - task.last_ping > _READ_AFTER,
    )


def _inbox_entries(
    notifications: list[Notification],
    recipients: dict[int, list[int]],
    rng: random.Random,
    now: datetime,
) -> list[InboxEntry]:
    """Each notification in its recipients' inboxes, read by each of them at their own time."""
    entries = []
    for notification in notifications:
        for user_id in recipients.get(notification.task_id, []):
            read_at = notification.created_at + timedelta(hours=rng.uniform(*_READ_WITHIN_HOURS))
            entries.append(
                InboxEntry(
                    notification=notification,
                    user_id=user_id,
                    created_at=notification.created_at,
                    read_at=read_at if read_at <= now else None,
                )
            )
    return entries


def _created_change(task: Task) -> TaskChange:
    """The first row of the task's history, as tasks.services writes it (by the system)."""
    return TaskChange(
        board_id=task.board_id,
        task=task,
        task_number=task.pk,
        task_name=task.name,
        kind=TaskChangeKind.CREATED,
        at=task.created_at,
    )


@transaction.atomic
def seed_demo(
    *,
    count: int,
    seed: int | None = None,
    password: str | None = None,
    batch_size: int = 1000,
    now: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Add the demo boards and people (when missing) and `count` demo tasks (at the end of their
    columns) with their history, notifications and inbox entries, in one transaction.

    `password`: the demo people this call creates get it (else an unusable one).
    `on_progress(n)` is called after each batch with the number of tasks it wrote.
    """
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    people, people_created = _demo_people(password)
    boards = _demo_boards(people)
    # Owners and editors, as tasks.services would accept them (an existing account may be inactive).
    assignable = [
        [
            people[username]
            for username, role in board.members.items()
            if role != Role.VIEWER and people[username].is_active
        ]
        for board in DEMO_BOARDS
    ]
    planned = [_demo_task(rng, now, boards, assignable) for _ in range(count)]
    # Drawn after the tasks, so that the tasks of a seed do not depend on who else is a member.
    inbox_rng = random.Random(rng.random())  # noqa: S311
    # One call per column for the whole run: each column's new cards go after its last card, in
    # creation order.
    for board in boards:
        for status in TaskStatus.values:
            column = [task for task, _ in planned if task.board is board and task.status == status]
            for task, rank in zip(
                column, column_end_ranks(board.pk, status, len(column)), strict=True
            ):
                task.rank = rank

    assigned_through = Task.assignees.through
    notifications_written = entries_written = 0
    for start in range(0, count, batch_size):
        batch = planned[start : start + batch_size]
        tasks = Task.objects.bulk_create([task for task, _ in batch])
        assigned_through.objects.bulk_create(
            [
                assigned_through(task_id=task.pk, user_id=user.pk)
                for task, assignees in batch
                for user in assignees
            ]
        )
        TaskChange.objects.bulk_create([_created_change(task) for task in tasks])
        notifications = Notification.objects.bulk_create(
            [notification for task in tasks for notification in _notifications_for(task, now)]
        )
        notified = {notification.task_id for notification in notifications}
        recipients = recipients_by_task([task for task in tasks if task.pk in notified])
        entries = _inbox_entries(notifications, recipients, inbox_rng, now)
        InboxEntry.objects.bulk_create(entries)
        notifications_written += len(notifications)
        entries_written += len(entries)
        if on_progress:
            on_progress(len(batch))
    if count:
        # Open boards reload; the reminder loop wakes up to look at the new due times.
        events.publish_after_commit("task.created", {"count": count})
    return SeedResult(
        tasks=count,
        notifications=notifications_written,
        inbox_entries=entries_written,
        boards=len(boards),
        people_created=people_created,
    )
