from datetime import UTC, datetime

from django.db import models
from rest_framework import serializers

from tasks.models import Task, TaskStatus
from tasks.services import task_create, task_update

ALLOWED_STATUSES = ", ".join(TaskStatus.values)
INVALID_STATUS = '"{input}" is not a valid status. Allowed values: ' + ALLOWED_STATUSES + "."

# Earlier clients ordered by `position`, the index that `rank` replaced: same order.
ORDERING_ALIASES = {"position": "rank"}
ORDERING_FIELDS = (
    "id",
    "name",
    "status",
    "rank",
    "interval_minutes",
    "last_ping",
    "next_reminder_at",
    "created_at",
    "updated_at",
)


def _utc_iso(moment: datetime | None) -> str | None:
    """DRF's DateTimeField output for the UTC time zone: ISO 8601 ending in Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _NumberNotBoolean:
    """JSON true/false are not numbers: DRF would store `"interval_minutes": true` as 1.0."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFloatField(_NumberNotBoolean, serializers.FloatField):
    pass


class StrictIntegerField(_NumberNotBoolean, serializers.IntegerField):
    pass


class TaskSerializer(serializers.ModelSerializer):
    """The original's task fields plus `rank`, which orders the cards of a board column.

    A write places the task with `before` or `after` (a card of its new column) or, as earlier
    clients did, with `position` (an index): none of them are stored, so they are write-only.

    Writes go through tasks.services, so the status rules (ping, reminder schedule, completion
    notification) apply whichever client changes a task.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FloatField: StrictFloatField,
    }
    before = StrictIntegerField(
        write_only=True,
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Put the task just above this card (a task id) of the column it ends up in.",
    )
    after = StrictIntegerField(
        write_only=True,
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Put the task just below this card (a task id) of the column it ends up in.",
    )
    position = StrictIntegerField(
        write_only=True,
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=(
            "Earlier clients' form: the 0-based index among the column's other cards (past the "
            "end: the end). An index means nothing under a search or a capped column: prefer "
            "`before` or `after`."
        ),
    )

    class Meta:
        model = Task
        fields = [
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
            "before",
            "after",
            "position",
        ]
        # Not DRF's unique-together check for (status, rank): ranks are the services' to pick, and
        # the check would refuse every move into a column.
        validators: list = []
        read_only_fields = [
            "id",
            "last_ping",
            "next_reminder_at",
            "rank",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "status": {"error_messages": {"invalid_choice": INVALID_STATUS}},
            "rank": {
                "help_text": (
                    "Orders the cards of a column: sort a status's tasks by rank (as strings, "
                    "byte by byte) for the board's order. Opaque; it changes when cards move."
                )
            },
        }

    def to_representation(self, task: Task) -> dict:
        # Written out rather than field by field: the list of every task is the API's hottest read,
        # and this is about seven times faster than DRF's generic loop. A test holds the two equal.
        return {
            "id": task.id,
            "name": task.name,
            "description": task.description,
            "status": task.status,
            "interval_minutes": task.interval_minutes,
            "last_ping": _utc_iso(task.last_ping),
            "next_reminder_at": _utc_iso(task.next_reminder_at),
            "rank": task.rank,
            "created_at": _utc_iso(task.created_at),
            "updated_at": _utc_iso(task.updated_at),
        }

    def create(self, validated_data: dict) -> Task:
        return task_create(**validated_data)

    def update(self, instance: Task, validated_data: dict) -> Task:
        return task_update(task=instance, **validated_data)


def _ordering_alias(key: str) -> str:
    descending, name = key.startswith("-"), key.removeprefix("-")
    return ("-" if descending else "") + ORDERING_ALIASES.get(name, name)


class TaskListQuerySerializer(serializers.Serializer):
    """The list's query parameters, checked so that a typo is a 400 rather than a silent no-op."""

    status = serializers.ChoiceField(
        choices=TaskStatus.values,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": INVALID_STATUS},
        help_text=f"Only tasks with this status: {ALLOWED_STATUSES}.",
    )
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Only tasks whose name or description contains this text (any case).",
    )
    ordering = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=(
            "Comma-separated fields to sort by, `-` for descending (e.g. `-created_at,name`). "
            f"Fields: {', '.join(ORDERING_FIELDS)}. Default: id."
        ),
    )

    def validate_ordering(self, value: str) -> list[str]:
        keys = [key.strip() for key in value.split(",") if key.strip()]
        keys = [_ordering_alias(key) for key in keys]
        unknown = [key for key in keys if key.removeprefix("-") not in ORDERING_FIELDS]
        if unknown:
            raise serializers.ValidationError(
                f"Cannot order by {', '.join(unknown)}. "
                f"Allowed fields (prefix - for descending): {', '.join(ORDERING_FIELDS)}."
            )
        return keys
