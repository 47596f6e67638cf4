"""Reads for tasks shared by the API and the board."""

from django.db.models import Q, QuerySet

from boards.access import readable_boards, sees_every_board
from tasks.models import Task, TaskStatus


def tasks_readable_by(actor) -> QuerySet[Task]:
    """The tasks of every board `actor` may read (boards.access): the API's lists and lookups."""
    if sees_every_board(actor):
        return Task.objects.all()
    return Task.objects.filter(board__in=readable_boards(actor))


def tasks_with_people(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """`tasks` with what the answer's people fields read: two queries for any number of tasks."""
    return tasks.select_related("created_by", "claimed_by").prefetch_related("assignees")


def tasks_assigned(tasks: QuerySet[Task], assignee: str, actor) -> QuerySet[Task]:
    """`?assignee=`: a username, `me` (the caller) or `none` (tasks nobody is assigned to)."""
    if assignee == "none":
        return tasks.filter(assignees__isnull=True)
    if assignee == "me":
        return tasks.filter(assignees=actor) if actor.is_authenticated else tasks.none()
    return tasks.filter(assignees__username=assignee)


def tasks_matching(queryset: QuerySet[Task], search: str) -> QuerySet[Task]:
    """The tasks whose name or description contains `search` (any case); all when it is blank.

    The board's search box and the API's ?search= both use it.
    """
    search = search.strip()
    if not search:
        return queryset
    return queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))


def tasks_claimable(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """`?claimable=true`: unclaimed To Do tasks, oldest first (tasks.claims)."""
    return tasks.filter(status=TaskStatus.TODO, claimed_by__isnull=True).order_by(
        "created_at", "id"
    )
