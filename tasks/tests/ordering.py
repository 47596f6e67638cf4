"""The board order of a column, as tests read it."""

from tasks.models import Task


def column_names(status: str) -> list[str]:
    """The names of a column's tasks, top to bottom (by rank, as the board shows them)."""
    return list(Task.objects.filter(status=status).order_by("rank").values_list("name", flat=True))
