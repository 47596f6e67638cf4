"""Many tasks (and boards) at once for board tests and benchmarks, inserted in bulk (no services,
no events)."""

from datetime import timedelta

from django.utils import timezone

from boards.access import default_board
from boards.models import Board, Membership, Role, Visibility
from tasks import ranks
from tasks.models import Task, TaskStatus


def bulk_tasks(
    count: int,
    statuses: tuple[str, ...] = tuple(TaskStatus.values),
    *,
    board: Board | None = None,
) -> list[Task]:
    """`count` tasks on `board` (default: the default board) spread over `statuses` in turn, each
    column in the order of creation."""
    now = timezone.now()
    board = board or default_board()
    column_ranks = {status: iter(ranks.spread(count)) for status in statuses}
    rows = []
    for number in range(count):
        status = statuses[number % len(statuses)]
        rows.append(
            Task(
                board=board,
                name=f"Task {number}",
                description=f"Description of task {number}",
                status=status,
                rank=next(column_ranks[status]),
                interval_minutes=30,
                last_ping=now,
                next_reminder_at=now + timedelta(minutes=30)
                if status == TaskStatus.IN_PROGRESS
                else None,
            )
        )
    return Task.objects.bulk_create(rows, batch_size=500)


def bulk_boards(count: int, visibility: str = Visibility.PRIVATE) -> list[Board]:
    """`count` boards named "Board 1" and on (the default board aside)."""
    return Board.objects.bulk_create(
        [Board(name=f"Board {number + 1}", visibility=visibility) for number in range(count)]
    )


def tasks_over_boards(count: int, boards: list[Board]) -> list[Task]:
    """`count` tasks shared out evenly over `boards`."""
    tasks = []
    for index, board in enumerate(boards):
        share = count // len(boards) + (index < count % len(boards))
        tasks += bulk_tasks(share, board=board)
    return tasks


def member(user, board: Board, role: str = Role.EDITOR) -> Membership:
    return Membership.objects.create(user=user, board=board, role=role)
