"""Tasks and notifications as one JSON document: `manage.py export_data` / `manage.py import_data`.

For backups that survive a change of database (SQLite to PostgreSQL) and for moving a board between
installations. Ids are kept, so links from notifications to tasks and ids that scripts remember stay
valid; importing therefore needs a database with no tasks and no notifications. Times are ISO 8601
with microseconds, so a round trip gives back exactly the same rows.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications.models import Notification
from tasks import ranks
from tasks.models import Task
from tracker import events

FORMAT = "status-tracker"
# 2: tasks carry `rank` (tasks.ranks); version 1 carried an integer `position`, still imported.
VERSION = 2
TASK_FIELDS = [
    "id",
    "name",
    "description",
    "status",
    "interval_minutes",
    "last_ping",
    "next_reminder_at",
    "rank",
    "created_at",
    "updated_at",
]
NOTIFICATION_FIELDS = [
    "id",
    "task_id",
    "task_name",
    "message",
    "notification_type",
    "is_read",
    "created_at",
]
_TIME_FIELDS = {"last_ping", "next_reminder_at", "created_at", "updated_at"}
_BATCH_SIZE = 1000


class ImportRefused(Exception):
    """The document cannot be imported; nothing was written."""


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def export_data() -> dict[str, Any]:
    """Every task and notification, oldest id first."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "tasks": [
            {field: _plain(value) for field, value in row.items()}
            for row in Task.objects.order_by("id").values(*TASK_FIELDS).iterator()
        ],
        "notifications": [
            {field: _plain(value) for field, value in row.items()}
            for row in Notification.objects.order_by("id").values(*NOTIFICATION_FIELDS).iterator()
        ],
    }


def _row_to_model(model: type, fields: list[str], row: Any, where: str):
    if not isinstance(row, dict):
        raise ImportRefused(f"{where}: expected an object, got {type(row).__name__}")
    missing = [field for field in fields if field not in row]
    if missing:
        raise ImportRefused(f"{where}: missing {', '.join(missing)}")
    values = {}
    for field in fields:
        value = row[field]
        if field in _TIME_FIELDS and value is not None:
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None or timezone.is_naive(parsed):
                raise ImportRefused(f"{where}: {field} must be an ISO 8601 time with a UTC offset")
            value = parsed
        values[field] = value
    instance = model(**values)
    try:
        # Constraints (status, interval, reminder only in progress) are checked by the database
        # on insert: checking them here would cost a query per row.
        instance.full_clean(validate_unique=False, validate_constraints=False, exclude=["task"])
    except ValidationError as error:
        raise ImportRefused(f"{where}: {error.message_dict}") from error
    return instance


def _reset_id_sequences() -> None:
    """Rows came with their ids: move PostgreSQL's id sequences past them (a no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Task, Notification])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _ranks_from_positions(task_rows: list) -> list:
    """Version 1 rows with ranks in place of positions, each column in its (position, id) order."""
    rows = []
    for index, row in enumerate(task_rows):
        if not isinstance(row, dict):
            raise ImportRefused(f"tasks[{index}]: expected an object, got {type(row).__name__}")
        position, task_id = row.get("position"), row.get("id")
        if not all(type(value) is int for value in (position, task_id)):
            raise ImportRefused(f"tasks[{index}]: id and position must be whole numbers")
        rows.append({key: value for key, value in row.items() if key != "position"})
    by_column: dict[object, list[dict]] = {}
    for row, original in zip(rows, task_rows, strict=True):
        by_column.setdefault(row.get("status"), []).append(original)
    rank_of = {}
    for column in by_column.values():
        column.sort(key=lambda row: (row["position"], row["id"]))
        for row, rank in zip(column, ranks.spread(len(column)), strict=True):
            rank_of[row["id"]] = rank
    for row in rows:
        row["rank"] = rank_of[row["id"]]
    return rows


@transaction.atomic
def import_data(*, document: Any) -> tuple[int, int]:
    """Load an export_data() document into a database without tasks or notifications.

    All or nothing: on any error ImportRefused is raised and nothing is written. Returns how many
    tasks and notifications were imported.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(f'not a Status Tracker export (expected "format": "{FORMAT}")')
    if document.get("version") not in (1, VERSION):
        raise ImportRefused(f"unsupported export version {document.get('version')!r}")
    task_rows, notification_rows = document.get("tasks"), document.get("notifications")
    if not isinstance(task_rows, list) or not isinstance(notification_rows, list):
        raise ImportRefused('"tasks" and "notifications" must be lists')
    if document["version"] == 1:
        task_rows = _ranks_from_positions(task_rows)
    existing = Task.objects.count(), Notification.objects.count()
    if any(existing):
        raise ImportRefused(
            f"the database already has {existing[0]} tasks and {existing[1]} notifications; "
            "import into an empty database"
        )

    tasks = [
        _row_to_model(Task, TASK_FIELDS, row, f"tasks[{index}]")
        for index, row in enumerate(task_rows)
    ]
    notifications = [
        _row_to_model(Notification, NOTIFICATION_FIELDS, row, f"notifications[{index}]")
        for index, row in enumerate(notification_rows)
    ]
    # Foreign keys are checked only at commit, too late for a clear message: check them here.
    task_ids = {task.pk for task in tasks}
    for index, notification in enumerate(notifications):
        if notification.task_id is not None and notification.task_id not in task_ids:
            raise ImportRefused(
                f"notifications[{index}]: task_id {notification.task_id} is not among the tasks"
            )
    exported_updated_at = [task.updated_at for task in tasks]
    try:
        with transaction.atomic():
            Task.objects.bulk_create(tasks, batch_size=_BATCH_SIZE)
            # bulk_create stamps updated_at with now (auto_now); put the exported times back.
            for task, updated_at in zip(tasks, exported_updated_at, strict=True):
                task.updated_at = updated_at
            Task.objects.bulk_update(tasks, ["updated_at"], batch_size=_BATCH_SIZE)
            Notification.objects.bulk_create(notifications, batch_size=_BATCH_SIZE)
    except IntegrityError as error:
        raise ImportRefused(f"the database refused a row: {error}") from error
    _reset_id_sequences()
    if tasks:
        events.publish_after_commit("task.created", {"count": len(tasks)})
    return len(tasks), len(notifications)
