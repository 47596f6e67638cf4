"""Tasks already due for a reminder, inserted in bulk (no services, no events)."""

from datetime import UTC, datetime, timedelta

from boards.access import default_board
from tasks.models import Task, TaskStatus


def make_due_tasks(
    count: int, *, due_at: datetime | None = None, interval: float = 60
) -> list[int]:
    """`count` in-progress tasks due at `due_at` (default: a minute ago), pinged `interval` minutes
    before it, inserted in one statement; their ids."""
    if due_at is None:
        due_at = datetime.now(UTC) - timedelta(minutes=1)
    pinged = due_at - timedelta(minutes=interval)
    board = default_board()
    created = Task.objects.bulk_create(
        Task(
            board=board,
            name=f"task {n}",
            status=TaskStatus.IN_PROGRESS,
            interval_minutes=interval,
            last_ping=pinged,
            next_reminder_at=due_at,
        )
        for n in range(count)
    )
    return [task.pk for task in created]
