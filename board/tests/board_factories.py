"""Many tasks at once for board tests and benchmarks, inserted in bulk (no services, no events)."""

from datetime import timedelta

from django.utils import timezone

from tasks.models import Task, TaskStatus


def bulk_tasks(count: int, statuses: tuple[str, ...] = tuple(TaskStatus.values)) -> list[Task]:
    """`count` tasks spread over `statuses` in turn, numbered by column from position 0."""
    now = timezone.now()
    positions = dict.fromkeys(statuses, 0)
    rows = []
    for number in range(count):
        status = statuses[number % len(statuses)]
        rows.append(
            Task(
                name=f"Task {number}",
                description=f"Description of task {number}",
                status=status,
                position=positions[status],
                interval_minutes=30,
                last_ping=now,
                next_reminder_at=now + timedelta(minutes=30)
                if status == TaskStatus.IN_PROGRESS
                else None,
            )
        )
        positions[status] += 1
    return Task.objects.bulk_create(rows, batch_size=500)
