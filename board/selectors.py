"""Reads for the board: its columns in one query, and a cheap version stamp for polling clients."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, CharField, Count, F, Max, Q, Value, When, Window
from django.db.models.functions import RowNumber

from notifications.models import Notification
from notifications.selectors import notifications_list, unread_summary
from tasks.models import Task, TaskStatus
from tasks.selectors import tasks_matching

# Open columns show their first cards; Done shows its latest ones (the highest ranks: a task moved
# to Done without a place lands at the end). "Show all" lifts the limit for one column.
OPEN_COLUMN_LIMIT = 200
DONE_COLUMN_LIMIT = 20
# The bell's panel lists the newest notifications.
NOTIFICATIONS_SHOWN = 20


# What the version stamp reads from the tasks: how many, the newest update and the newest ping.
TasksSummary = tuple[int, float | None, float | None]


@dataclass
class BoardColumn:
    status: str
    label: str
    count: int = 0
    limit: int | None = None
    tasks: list[Task] = field(default_factory=list)
    # Filled in by the board view: the "Show all" and "Show fewer" links.
    show_all_query: str = ""
    collapse_query: str = ""

    @property
    def hidden_count(self) -> int:
        """Cards of this column that are not on the page."""
        return self.count - len(self.tasks)


@dataclass
class Board:
    columns: list[BoardColumn]
    tasks_summary: TasksSummary


def tasks_for_board(
    *, search: str = "", show_all: frozenset[str] = frozenset(), keep: int | None = None
) -> Board:
    """The three columns with their counts and the cards to show, in ONE query.

    Each row carries its column's full count and its place from the shown end of the column, so
    the database returns only the shown cards however large the board is; and the summary of all
    the tasks read, for the version stamp (`board_version`). The card `keep` (one just moved, say
    past a column's cap) is shown wherever it sits, beside the column's usual cards.
    """
    columns = {
        status: BoardColumn(
            status=status,
            label=label,
            limit=None
            if status in show_all
            else (DONE_COLUMN_LIMIT if status == TaskStatus.DONE else OPEN_COLUMN_LIMIT),
        )
        for status, label in TaskStatus.choices
    }
    is_done = Q(status=TaskStatus.DONE)
    # The kept card first, then Done from its end (latest first) and the open columns from their
    # top. Each partition is one column, so each of the two rank keys is NULL for a whole column.
    place_keys = [
        Case(When(pk=keep, then=Value(0)), default=Value(1)),
        Case(When(is_done, then=F("rank")), output_field=CharField()).desc(),
        Case(When(~is_done, then=F("rank")), output_field=CharField()).asc(),
    ]
    rows = tasks_matching(Task.objects.all(), search).annotate(
        column_count=Window(Count("id"), partition_by=[F("status")]),
        shown_place=Window(RowNumber(), partition_by=[F("status")], order_by=place_keys),
        all_count=Window(Count("id")),
        all_updated=Window(Max("updated_at")),
        all_pinged=Window(Max("last_ping")),
    )
    limits = [column.limit for column in columns.values()]
    if None not in limits:
        # One more than the limit: the column holding the kept card shows it besides its usual ones.
        rows = rows.filter(shown_place__lte=Value(max(limits) + (keep is not None)))
    summary = _tasks_summary(0, None, None)
    kept_in: str | None = None
    for task in rows.order_by("status", "rank"):
        summary = _tasks_summary(task.all_count, task.all_updated, task.all_pinged)
        column = columns[task.status]
        column.count = task.column_count
        if task.pk == keep:
            kept_in = task.status
        column.tasks.append(task)
    for column in columns.values():
        if column.limit is not None:
            extra = int(column.status == kept_in)
            column.tasks = [
                task for task in column.tasks if task.shown_place <= column.limit + extra
            ]
    return Board(columns=list(columns.values()), tasks_summary=summary)


def _tasks_summary(count: int, updated: datetime | None, pinged: datetime | None) -> TasksSummary:
    return (count, updated and updated.timestamp(), pinged and pinged.timestamp())


def unread_notifications() -> tuple[int, int]:
    """How many notifications are unread, and the newest unread id (0 if none), in one query.

    The page remembers the id so it can tell which notifications arrive after it was rendered.
    """
    return unread_summary()


def recent_notifications() -> list[Notification]:
    """The newest notifications for the bell's panel, in one query."""
    return list(notifications_list()[:NOTIFICATIONS_SHOWN])


def version_of(tasks_summary: TasksSummary, unread: tuple[int, int]) -> str:
    """The board's version: changes whenever anything the board or the bell shows changes.

    Moves and edits touch the task's `updated_at`; deletes lower the count; reminders re-ping the
    task and add an unread notification; marking read lowers the unread count.
    """
    raw = repr((tasks_summary, unread))
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def board_version() -> tuple[str, int]:
    """The current version and the unread count, in two aggregate queries.

    Polling clients send the version back as an ETag, so an unchanged board costs just that and a
    304. The board page carries the version it was rendered at, so a page can tell whether anything
    changed before its live stream opened.
    """
    tasks = Task.objects.aggregate(
        count=Count("id"), updated=Max("updated_at"), pinged=Max("last_ping")
    )
    unread = unread_notifications()
    summary = _tasks_summary(tasks["count"], tasks["updated"], tasks["pinged"])
    return version_of(summary, unread), unread[0]
