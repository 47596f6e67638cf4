"""Reads for the board pages: a board's columns in one query (and one for their assignees), the
viewer's bell and inbox, the board's members, and a cheap version stamp for polling clients."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from boards import selectors as boards_selectors
from boards.access import readable_boards, role_given
from boards.models import Board, Membership
from boards.selectors import boards_for
from notifications.grouping import GroupedInbox, NotificationGroup
from notifications.models import Notification
from notifications.selectors import (
    has_own_inbox,
    inbox_list,
    inbox_unread_summary,
    notifications_list,
    unread_summary,
)
from tasks.models import Task, TaskStatus, Todo
from tasks.selectors import tasks_assigned, tasks_due, tasks_matching, tasks_tagged

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
class BoardContents:
    columns: list[BoardColumn]
    tasks_summary: TasksSummary


def tasks_for_board(
    *,
    board_id: int,
    search: str = "",
    show_all: frozenset[str] = frozenset(),
    keep: int | None = None,
    assignee: str = "",
    actor=None,
    priority: str = "",
    tag: str = "",
    due: str = "",
) -> BoardContents:
    """One board's three columns with their counts and the cards to show, in ONE query, and one
    more for the shown cards' assignees.

    Each row carries its column's full count and its place from the shown end of the column, so
    the database returns only the shown cards however large the board is; and the summary of all
    the tasks read, for the version stamp (`board_version`). The card `keep` (one just moved, say
    past a column's cap) is shown wherever it sits, beside the column's usual cards. `assignee`
    is the API's `?assignee=` (a username, `me` for `actor`, `none`).
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
    tasks = tasks_matching(Task.objects.filter(board_id=board_id), search)
    if assignee:
        tasks = tasks_assigned(tasks, assignee, actor)
    # The work breakdown's filters (issue 15): a priority, a tag, `overdue` or due this `week`.
    if priority:
        tasks = tasks.filter(priority=priority)
    if tag:
        tasks = tasks_tagged(tasks, tag)
    if due:
        tasks = tasks_due(tasks, due, timezone.now())
    rows = tasks.annotate(
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
    rows = rows.annotate(todo_total=_todo_count(), todo_done=_todo_count(status="done"))
    summary = _tasks_summary(0, None, None)
    kept_in: str | None = None
    # The cards' assignees in one more query, by username so that their chips keep their order.
    assignees = Prefetch("assignees", queryset=get_user_model().objects.order_by("username"))
    # The claim's holder (a card shows it) joined in, no query of its own.
    rows = rows.select_related("claimed_by")
    for task in rows.order_by("status", "rank").prefetch_related(assignees):
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
    return BoardContents(columns=list(columns.values()), tasks_summary=summary)


def _todo_count(**where) -> Coalesce:
    """A card's todos (those matching `where`), counted in the board's one query."""
    todos = (
        Todo.objects.filter(phase__task=OuterRef("pk"), **where)
        .order_by()
        .values("phase__task")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(todos, output_field=IntegerField()), 0)


def _tasks_summary(count: int, updated: datetime | None, pinged: datetime | None) -> TasksSummary:
    return (count, updated and updated.timestamp(), pinged and pinged.timestamp())


@dataclass
class BellItem:
    """A notification as the viewer sees it: with their own read state, or the shared one."""

    notification: Notification
    is_read: bool


def unread_notifications(viewer=None) -> tuple[int, int]:
    """How many of the viewer's notifications are unread, and the newest unread id (0 if none),
    in one query: their own inbox for a person, else the shared inbox of the boards they may read.

    The page remembers the id so it can tell which notifications arrive after it was rendered.
    """
    boards = readable_boards(viewer)
    if has_own_inbox(viewer):
        return inbox_unread_summary(user=viewer, boards=boards)
    return unread_summary(boards=boards)


def recent_notifications(viewer=None) -> list[NotificationGroup]:
    """The viewer's newest notifications for the bell's panel, a task's reminders grouped
    (notifications.grouping): three queries."""
    return bell_items(viewer, grouped=True)[:NOTIFICATIONS_SHOWN]


def bell_items(
    viewer=None,
    *,
    unread_only: bool = False,
    notification_type: str | None = None,
    board_id: int | None = None,
    grouped: bool = False,
) -> "BellList | GroupedInbox":
    """The viewer's notifications, newest first, as a lazily sliced list (the inbox page pages it):
    the bell and the inbox read the same ones, with the same filters as the API. `grouped`: a
    task's reminders as one row (notifications.grouping), as `?group=true` in the API."""
    boards = readable_boards(viewer)
    if board_id is not None:
        boards = boards.filter(pk=board_id)
    if has_own_inbox(viewer):
        entries = inbox_list(
            user=viewer, boards=boards, unread_only=unread_only, notification_type=notification_type
        ).select_related("notification__board")
        return GroupedInbox(entries) if grouped else BellList(entries, own=True)
    shared = notifications_list(
        boards=boards, unread_only=unread_only, notification_type=notification_type
    ).select_related("board")
    return GroupedInbox(shared) if grouped else BellList(shared, own=False)


class BellList:
    """A queryset of inbox entries or of shared notifications that reads as BellItems: count() and
    slices go to the database (what Django's Paginator needs)."""

    def __init__(self, queryset: QuerySet, *, own: bool) -> None:
        self.queryset = queryset
        self.own = own

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[BellItem]:
        rows = list(self.queryset[index])
        if self.own:
            return [
                BellItem(notification=entry.notification, is_read=entry.is_read) for entry in rows
            ]
        return [BellItem(notification=row, is_read=row.is_read) for row in rows]


def viewer_boards(viewer) -> list[Board]:
    """The boards the viewer may read, each with the viewer's `role` on it, for the switcher and
    to find the board a page shows: one query (boards.selectors.boards_for)."""
    boards = list(boards_for(viewer))
    for board in boards:
        board.role = role_given(viewer, board.membership_role)
    return boards


def viewer_board(viewer, board_id: int) -> Board | None:
    """One board the viewer may read, with their `role` on it; None if they may not: one query."""
    board = boards_for(viewer).filter(pk=board_id).first()
    if board is not None:
        board.role = role_given(viewer, board.membership_role)
    return board


def board_members(board: Board) -> list[Membership]:
    """The board's active members, by username (boards.selectors.board_members): one query. The
    pickers offer only them, as tasks.services accepts only them as assignees."""
    return [member for member in boards_selectors.board_members(board) if member.user.is_active]


def display_name(user) -> str:
    """What people are called on the pages: their full name, else their username."""
    return user.get_full_name().strip() or user.get_username()


def version_of(tasks_summary: TasksSummary, unread: tuple[int, int]) -> str:
    """The board's version: changes whenever anything the board or the bell shows changes.

    Moves and edits touch the task's `updated_at`; deletes lower the count; reminders re-ping the
    task and add an unread notification; marking read lowers the unread count.
    """
    raw = repr((tasks_summary, unread))
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def board_version(board_id: int, viewer=None) -> tuple[str, int] | None:
    """One board's version as `viewer` sees it, and the viewer's unread count, in two aggregate
    queries; None when the viewer may not read the board.

    Polling clients send the version back as an ETag, so an unchanged board costs just that and a
    304. The board page carries the version it was rendered at, so a page can tell whether anything
    changed before its live stream opened.
    """
    board = (
        readable_boards(viewer)
        .filter(pk=board_id)
        .annotate(
            task_count=Count("tasks"),
            updated=Max("tasks__updated_at"),
            pinged=Max("tasks__last_ping"),
        )
        .values("task_count", "updated", "pinged")
        .first()
    )
    if board is None:
        return None
    unread = unread_notifications(viewer)
    summary = _tasks_summary(board["task_count"], board["updated"], board["pinged"])
    return version_of(summary, unread), unread[0]
