from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tasks import ranks

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000
DEFAULT_INTERVAL_MINUTES = 60.0
MAX_INTERVAL_MINUTES = 365 * 24 * 60.0  # one year
# One second. Below it a task is due again as soon as it is reminded (timedelta rounds 1e-9
# minutes to zero), and a few such tasks keep the reminder sweep busy forever.
MIN_INTERVAL_MINUTES = 1 / 60


class TaskStatus(models.TextChoices):
    TODO = "todo", "To Do"
    IN_PROGRESS = "in_progress", "In Progress"
    DONE = "done", "Done"


def validate_interval_minutes(value: float) -> None:
    # `value != value` catches NaN, which slips through every comparison.
    if value != value or not (MIN_INTERVAL_MINUTES <= value <= MAX_INTERVAL_MINUTES):
        raise ValidationError(
            "interval_minutes must be at least one second (1/60 of a minute, about 0.0167) "
            f"and at most {MAX_INTERVAL_MINUTES:g} (one year)."
        )


def validate_rank(value: str) -> None:
    if not ranks.is_valid(value):
        raise ValidationError(f"{value!r} is not a rank (tasks.ranks).")


def validate_not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("This field may not be blank.")


class RankField(models.CharField):
    """A card's rank (tasks.ranks): compared byte by byte on every database.

    SQLite compares text bytewise already; PostgreSQL would use the database's locale, where
    "a" < "B", so the column gets the "C" collation there. Chosen per connection, not as
    `db_collation`, because SQLite has no collation of that name.
    """

    def db_parameters(self, connection) -> dict:
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


class Task(models.Model):
    # Every task is on one board; requests that name none use the default board (boards.access).
    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_not_blank])
    description = models.TextField(
        blank=True, default="", validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.TODO)
    interval_minutes = models.FloatField(
        default=DEFAULT_INTERVAL_MINUTES, validators=[validate_interval_minutes]
    )
    # Set on create, on every status change and on every reminder (tasks.services, reminders.sweep).
    last_ping = models.DateTimeField(default=timezone.now)
    # Kept equal to last_ping + interval (or the end of a pause, if later) while the task is in
    # progress, None otherwise
    # (task_reminder_only_in_progress), so "scheduled" and "in progress" are one and the same.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Reminders wait until then: someone acknowledged one ("I'm on it") or snoozed the task
    # (tasks.reminder_pause). Honoured by `ping`; a status change clears it (tasks.services).
    reminders_paused_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Reminders sent since the last acknowledgement, snooze or status change: the board's
    # escalation counts them (reminders.escalation).
    unanswered_reminders = models.PositiveIntegerField(default=0, editable=False)
    # Order inside the task's column on the board, lowest first (tasks.ranks, set by tasks.services).
    rank = RankField(
        max_length=ranks.MAX_LENGTH,
        default=ranks.anywhere,
        editable=False,
        validators=[validate_rank],
    )
    # Who created it: a person, a bot, or the service account of API_AUTH_TOKEN; None for tasks
    # created before people were recorded, or by the system (demo data).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_tasks",
        editable=False,
    )
    # Members of the task's board (tasks.services checks it); they get its reminders.
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_tasks"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The reminder sweep's due query (reminders.sweep.due_tasks: next_reminder_at <= now).
            # The condition is the one the query implies, so SQLite's planner picks this index by
            # itself, without ANALYZE statistics or INDEXED BY; a condition on status would make the
            # query name status, and then task_board_order_idx wins SQLite's estimate.
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False),
                name="task_due_reminder_idx",
            ),
        ]
        constraints = [
            # One card per place in a board's column: tasks.services retries the rare clash of two
            # concurrent writers. Its index serves the board's per-column order
            # (board.selectors.tasks_for_board) and the neighbour lookups of a move.
            models.UniqueConstraint(
                fields=["board", "status", "rank"], name="task_board_column_rank_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    interval_minutes__gte=MIN_INTERVAL_MINUTES,
                    interval_minutes__lte=MAX_INTERVAL_MINUTES,
                ),
                name="task_interval_in_range",
            ),
            # A reminder is scheduled exactly while the task is in progress.
            models.CheckConstraint(
                condition=(
                    Q(status="in_progress", next_reminder_at__isnull=False)
                    | (~Q(status="in_progress") & Q(next_reminder_at__isnull=True))
                ),
                name="task_reminder_only_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.interval_minutes)

    def reminder_due_after(self, moment: datetime) -> datetime:
        """When the next reminder falls due for a task pinged at `moment`: always after it, by at
        least the one-second floor, so a reminder never makes its task due again at once."""
        return moment + max(self.interval, timedelta(minutes=MIN_INTERVAL_MINUTES))

    def ping(self, moment: datetime) -> None:
        """Record a sign of life at `moment` on the instance (the caller saves it).

        The one place the schedule is computed: while the task is in progress its next reminder falls
        due one interval after the ping, otherwise none is scheduled. Status changes
        (tasks.services), the reminder sweep (reminders.sweep) and the demo data all ping through it.
        """
        self.last_ping = moment
        self.next_reminder_at = (
            self.reminder_due_after(moment) if self.status == TaskStatus.IN_PROGRESS else None
        )
        paused_until = self.reminders_paused_until
        if (
            self.next_reminder_at is not None
            and paused_until
            and paused_until > self.next_reminder_at
        ):
            # Acknowledged or snoozed: the next reminder waits for the pause to end.
            self.next_reminder_at = paused_until

    def pause_reminders(self, until: datetime) -> None:
        """Hold the task's reminders until `until` (the caller saves it): the schedule is the same
        rule as `ping`'s, from the same last ping, with the pause honoured."""
        self.reminders_paused_until = until
        self.unanswered_reminders = 0
        self.ping(self.last_ping)


class TaskChangeKind(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"


class TaskChange(models.Model):
    """One write to a task and who made it: the task's history (tasks.services writes every row).

    `changes` maps each changed field to its `[old, new]` values. The row outlives its task, with
    the task's id and name, so a board keeps the record of what was deleted from it.
    """

    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    task_number = models.BigIntegerField()
    task_name = models.CharField(max_length=NAME_MAX_LENGTH)
    # None: the system (the reminder sweep, demo data) or an account deleted since.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's username when the change was made, kept after the account is gone.
    actor_name = models.CharField(max_length=150, blank=True, default="")
    kind = models.CharField(max_length=10, choices=TaskChangeKind.choices)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # A task's timeline, oldest first.
            models.Index(fields=["task", "at"], name="taskchange_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.kind} task {self.task_number}"
