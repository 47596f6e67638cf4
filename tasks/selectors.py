"""Reads for tasks shared by the API and the board."""

from datetime import datetime, timedelta

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from boards.access import readable_boards, sees_every_board
from tasks.models import (
    Comment,
    Phase,
    PingLog,
    Task,
    TaskChange,
    TaskPriority,
    TaskStatus,
    TaskTag,
    Todo,
)


def tasks_readable_by(actor, *, archived: bool = False) -> QuerySet[Task]:
    """The tasks of every board `actor` may read (boards.access): the API's lists and lookups.

    `archived`: the archived ones instead (deleted, not purged yet; GET /tasks/?archived=true,
    POST /tasks/{id}/restore), newest archived first unless reordered.
    """
    tasks = (
        Task.all_objects.filter(archived_at__isnull=False).order_by("-archived_at", "-id")
        if archived
        else Task.objects.all()
    )
    if sees_every_board(actor):
        return tasks
    return tasks.filter(board__in=readable_boards(actor))


def tasks_with_people(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """`tasks` with what the answer's people fields read: two queries for any number of tasks."""
    return tasks.select_related("created_by", "claimed_by").prefetch_related("assignees")


def phases_with_todos() -> QuerySet[Phase]:
    todos = Todo.objects.select_related("assignee").order_by("order", "id")
    return Phase.objects.order_by("order", "id").prefetch_related(Prefetch("todos", queryset=todos))


def tasks_with_breakdown(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """`tasks` with their tags, phases, todos and comments: four more queries for any number."""
    comments = Comment.objects.select_related("author_user").order_by("timestamp", "id")
    return tasks.prefetch_related(
        "tags",
        Prefetch("phases", queryset=phases_with_todos()),
        Prefetch("comments", queryset=comments),
    )


def tasks_tagged(tasks: QuerySet[Task], tag: str) -> QuerySet[Task]:
    """`?tag=`: the tasks with this tag (exactly, as in their `tags`)."""
    return tasks.filter(pk__in=TaskTag.objects.filter(name=tag.strip()).values("task_id"))


def tasks_assigned(tasks: QuerySet[Task], assignee: str, actor) -> QuerySet[Task]:
    """`?assignee=`: a username, `me` (the caller) or `none` (tasks nobody is assigned to)."""
    if assignee == "none":
        return tasks.filter(assignees__isnull=True)
    if assignee == "me":
        return tasks.filter(assignees=actor) if actor.is_authenticated else tasks.none()
    return tasks.filter(assignees__username=assignee)


# Priorities by weight, not by name: "critical" sorts above "high", not before it alphabetically.
_PRIORITY_WEIGHT = Case(
    *(When(priority=value, then=Value(weight)) for weight, value in enumerate(TaskPriority.values)),
    output_field=IntegerField(),
)


def tasks_ordered(tasks: QuerySet[Task], keys: list[str]) -> QuerySet[Task]:
    """`tasks` sorted by the list's `?ordering=` keys (already checked), then by id for stable pages."""
    order = []
    for key in keys:
        descending, name = key.startswith("-"), key.removeprefix("-")
        expression = _PRIORITY_WEIGHT if name == "priority" else F(name)
        order.append(expression.desc() if descending else expression.asc())
    return tasks.order_by(*order, "id")


def tasks_matching(queryset: QuerySet[Task], search: str) -> QuerySet[Task]:
    """The tasks whose name or description contains `search` (any case); all when it is blank.

    The board's search box and the API's ?search= both use it.
    """
    search = search.strip()
    if not search:
        return queryset
    return queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))


DUE_FILTERS = ("overdue", "week")


def tasks_due(tasks: QuerySet[Task], due: str, now: datetime) -> QuerySet[Task]:
    """The board's due filter: `overdue` (past due, not done) or `week` (due in the next 7 days)."""
    if due == "overdue":
        return tasks.filter(due_date__lte=now).exclude(status="done")
    if due == "week":
        return tasks.filter(due_date__gt=now, due_date__lte=now + timedelta(days=7))
    return tasks


def comments_of(task: Task) -> QuerySet[Comment]:
    """A task's comments, oldest first (GET /tasks/{id}/comments): one query."""
    return task.comments.select_related("author_user").order_by("timestamp", "id")


class Timeline:
    """A task's comments, recorded changes (TaskChange) and ping log (PingLog: lifecycle pings and
    pings with a body), oldest first, as one sequence that pages: a slice reads at most `stop`
    rows of each table (three queries), `count()` three more."""

    def __init__(self, task: Task):
        self.comments = comments_of(task)
        self.changes = TaskChange.objects.filter(task=task).order_by("at", "id")
        self.pings = PingLog.objects.filter(task=task).select_related("actor").order_by("at", "id")

    def count(self) -> int:
        return self.comments.count() + self.changes.count() + self.pings.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, window: slice) -> list:
        stop = window.stop
        comments = list(self.comments[:stop])
        changes = list(self.changes[:stop])
        pings = list(self.pings[:stop])
        merged = sorted(
            [(comment.timestamp, 0, comment.pk, comment) for comment in comments]
            + [(change.at, 1, change.pk, change) for change in changes]
            + [(ping.at, 2, ping.pk, ping) for ping in pings],
            key=lambda entry: entry[:3],
        )
        return [entry[3] for entry in merged][window]

    @staticmethod
    def answer(entries: list) -> list[dict]:
        from tasks.breakdown_serializers import CommentSerializer

        answer = []
        for entry in entries:
            if isinstance(entry, Comment):
                who = entry.author_user.get_username() if entry.author_user else entry.author
                answer.append(
                    {
                        "type": "comment",
                        "at": CommentSerializer()
                        .fields["timestamp"]
                        .to_representation(entry.timestamp),
                        "actor": who,
                        "comment": CommentSerializer(entry).data,
                    }
                )
            elif isinstance(entry, PingLog):
                answer.append(
                    {
                        "type": "ping",
                        "at": CommentSerializer().fields["timestamp"].to_representation(entry.at),
                        "actor": entry.actor.get_username() if entry.actor else None,
                        "kind": entry.kind,
                        "exit_status": entry.exit_status,
                        "body": entry.body,
                        "truncated": entry.truncated,
                    }
                )
            else:
                answer.append(
                    {
                        "type": "change",
                        "at": CommentSerializer().fields["timestamp"].to_representation(entry.at),
                        "actor": entry.actor_name or None,
                        "kind": entry.kind,
                        "changes": entry.changes,
                    }
                )
        return answer


def timeline_of(task: Task) -> Timeline:
    """GET /tasks/{id}/timeline: what happened to a task, who did it and when."""
    return Timeline(task)


def tasks_claimable(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """`?claimable=true`: unclaimed To Do tasks, oldest first (tasks.claims)."""
    return tasks.filter(status=TaskStatus.TODO, claimed_by__isnull=True).order_by(
        "created_at", "id"
    )
