from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
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
# How long past its interval a heartbeating task may stay silent before it counts as stalled.
DEFAULT_GRACE_MINUTES = 5.0
MAX_GRACE_MINUTES = MAX_INTERVAL_MINUTES
# A claim's lease when the claimer names none (tasks.claims).
DEFAULT_LEASE_MINUTES = 30.0


class TaskStatus(models.TextChoices):
    TODO = "todo", "To Do"
    IN_PROGRESS = "in_progress", "In Progress"
    DONE = "done", "Done"


class TaskPriority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class PhaseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    BLOCKED = "blocked", "Blocked"


class TodoStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class CommentKind(models.TextChoices):
    SYSTEM = "system", "System"  # written by tasks.breakdown / tasks.services on a change
    COMMENT = "comment", "Comment"  # written by a person, a bot or a script


TAG_MAX_LENGTH = 50
CONTEXT_TAGS_MAX_LENGTH = 1000
COMMENT_MAX_LENGTH = 20_000


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


class TaskManager(models.Manager):
    """The tasks in use: an archived task (deleted, restorable until the retention purge) is out
    of every read through `Task.objects`, the board, the API, reminders and sweeps alike.

    The one place archived rows are hidden; `Task.all_objects` reaches them (tasks.services'
    archive, restore and purge, the API's `?archived=true`, the admin). Foreign keys to a task
    read through the base manager, so a notification still finds its archived task.
    """

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(archived_at__isnull=True)


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
    # The original's work-breakdown fields (issue 15), with its names and defaults.
    priority = models.CharField(
        max_length=10, choices=TaskPriority.choices, default=TaskPriority.MEDIUM
    )
    due_date = models.DateTimeField(null=True, blank=True)
    # Derived from the phases and todos (tasks.breakdown.progress_percent), kept in sync on every
    # phase or todo write so the list reads a column.
    progress_percent = models.PositiveSmallIntegerField(default=0, editable=False)
    # The original's comma-separated string, as given; its tags are TaskTag rows kept in sync.
    context_tags = models.CharField(
        max_length=CONTEXT_TAGS_MAX_LENGTH, null=True, blank=True, default=None
    )
    definition_of_done = models.TextField(
        null=True, blank=True, default=None, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    # Due-date reminders (reminders.due): when the "due soon" and "overdue" notifications went
    # out for the current due_date; a new due_date clears both (tasks.services.task_update).
    due_soon_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Heartbeats (tasks.heartbeats). Silence for interval + grace after a ping marks it stalled.
    grace_minutes = models.FloatField(
        default=DEFAULT_GRACE_MINUTES,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_GRACE_MINUTES)],
    )
    # Armed by heartbeat pings only (a task that never pings is never stalled): last heartbeat +
    # interval + grace while in progress, else None. The stall sweep clears it when it passes.
    stalls_at = models.DateTimeField(null=True, blank=True, editable=False)
    stalled = models.BooleanField(default=False, editable=False)
    # The last lifecycle ping was /ping/fail (with its exit status); cleared by the next ping.
    failed = models.BooleanField(default=False, editable=False)
    last_exit_status = models.IntegerField(null=True, blank=True, editable=False)
    # A claim (tasks.claims): who works on it until when; pings renew the lease.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_tasks",
        editable=False,
    )
    lease_minutes = models.FloatField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Deleted from the board: kept, restorable, until tasks.services.archived_tasks_purge removes
    # it ARCHIVE_RETENTION_DAYS later. None for a task in use (TaskManager hides the others).
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaskManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["id"]
        # Django's internals (related lookups, admin, dumpdata) use `objects` unless told otherwise.
        default_manager_name = "objects"
        indexes = [
            # The retention purge's query (tasks.services.archived_tasks_purge: archived_at <= cutoff).
            models.Index(
                fields=["archived_at"],
                condition=Q(archived_at__isnull=False),
                name="task_archived_at_idx",
            ),
            # The stall sweep's query (tasks.heartbeats.mark_stalled: stalls_at <= now).
            models.Index(
                fields=["stalls_at"],
                condition=Q(stalls_at__isnull=False),
                name="task_stalls_at_idx",
            ),
            # The lease sweep's query (tasks.claims.expire_leases: lease_until <= now).
            models.Index(
                fields=["lease_until"],
                condition=Q(lease_until__isnull=False),
                name="task_lease_until_idx",
            ),
            # The due-date sweep (reminders.due): tasks with a due date not yet notified overdue.
            models.Index(
                fields=["due_date"],
                condition=Q(due_date__isnull=False, overdue_notified_at__isnull=True),
                name="task_due_date_pending_idx",
            ),
            # The reminder sweep's due query (reminders.sweep.due_tasks: next_reminder_at <= now).
            # The condition is the one the query implies, so SQLite's planner picks this index by
            # itself, without ANALYZE statistics or INDEXED BY; a condition on status would make the
            # query name status, and then task_board_order_idx wins SQLite's estimate. Archived
            # tasks are out of it as they are out of every read (TaskManager), so PostgreSQL's
            # planner, too, finds its condition in the query rather than the card-order index's.
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False, archived_at__isnull=True),
                name="task_due_reminder_idx",
            ),
        ]
        constraints = [
            # One card per place in a board's column: tasks.services retries the rare clash of two
            # concurrent writers. Its index serves the board's per-column order
            # (board.selectors.tasks_for_board) and the neighbour lookups of a move. Archived
            # cards hold no place (a respace or a new card may take their rank; a restore that
            # finds its rank taken goes next to it, tasks.services.task_restore).
            models.UniqueConstraint(
                fields=["board", "status", "rank"],
                condition=Q(archived_at__isnull=True),
                name="task_board_column_rank_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=TaskPriority.values), name="task_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="task_progress_at_most_100"
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
    DELETED = "deleted", "Deleted"  # purged for good (or deleted before the archive)
    ARCHIVED = "archived", "Archived"
    RESTORED = "restored", "Restored"


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


class TaskTag(models.Model):
    """One tag of a task's `context_tags`, in the order given: what ?tag= filters on."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=TAG_MAX_LENGTH)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "name"], name="tasktag_task_name_unique"),
        ]
        indexes = [
            # ?tag= (tasks.selectors.tasks_tagged): the tasks of one tag.
            models.Index(fields=["name", "task"], name="tasktag_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A stage of a task's work breakdown, holding todos (tasks.breakdown writes them)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_not_blank])
    status = models.CharField(
        max_length=20, choices=PhaseStatus.choices, default=PhaseStatus.NOT_STARTED
    )
    order = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["task", "order"], name="phase_task_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PhaseStatus.values), name="phase_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def board(self):
        return self.task.board


class Todo(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="todos")
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_not_blank])
    status = models.CharField(max_length=20, choices=TodoStatus.choices, default=TodoStatus.TODO)
    order = models.IntegerField(default=0)
    # A member of the task's board (tasks.breakdown checks it).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_todos",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["phase", "order"], name="todo_phase_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TodoStatus.values), name="todo_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def board(self):
        return self.phase.task.board


class Comment(models.Model):
    """A note on a task: by a person, bot or script (tasks.comments), or by the system on a change.

    `author` is the original's free text ("system", "agent", ...); when the writer has an identity
    (`author_user`: a person, a bot, the service account) it is their username, except for the
    service account, whose scripts keep naming themselves. `html` is `text` rendered as Markdown
    and sanitised (tasks.markdown), stored so the list endpoint's SQL can answer it.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)])
    html = models.TextField(blank=True, default="", editable=False)
    author = models.CharField(max_length=150, default="system")
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_comments",
    )
    kind = models.CharField(max_length=10, choices=CommentKind.choices, default=CommentKind.COMMENT)
    timestamp = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["timestamp", "id"]
        indexes = [models.Index(fields=["task", "timestamp"], name="comment_task_time_idx")]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"

    @property
    def board(self):
        return self.task.board


class PingKind(models.TextChoices):
    PING = "ping", "Ping"
    START = "start", "Start"
    SUCCESS = "success", "Success"
    FAIL = "fail", "Fail"


# The most of a ping's body kept as its log (tasks.heartbeats keeps the tail of a longer one).
PING_LOG_MAX_BYTES = 10 * 1024


class PingLog(models.Model):
    """A lifecycle ping (start/success/fail) or a ping with a body: the task's run log.

    Plain pings without a body write no row: they are one UPDATE of the task (tasks.heartbeats).
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="ping_logs")
    kind = models.CharField(max_length=10, choices=PingKind.choices)
    exit_status = models.IntegerField(null=True, blank=True)
    body = models.TextField(blank=True, default="")
    truncated = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"], name="pinglog_task_idx")]

    def __str__(self) -> str:
        return f"{self.kind} of task {self.task_id}"
