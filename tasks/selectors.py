"""Reads for tasks shared by the API and the board."""

from django.db.models import Q, QuerySet

from tasks.models import Task


def tasks_matching(queryset: QuerySet[Task], search: str) -> QuerySet[Task]:
    """The tasks whose name or description contains `search` (any case); all when it is blank.

    The board's search box and the API's ?search= both use it.
    """
    search = search.strip()
    if not search:
        return queryset
    return queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
