from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

from tasks.models import Task, TaskStatus
from tasks.services import task_create, task_update

ALLOWED_STATUSES = ", ".join(TaskStatus.values)
INVALID_STATUS = '"{input}" is not a valid status. Allowed values: ' + ALLOWED_STATUSES + "."


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
    """The original's task fields plus `position`, the 0-based place in the task's board column.

    Writes go through tasks.services, so the status rules (ping, reminder schedule, completion
    notification) apply whichever client changes a task.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FloatField: StrictFloatField,
        models.PositiveIntegerField: StrictIntegerField,
    }

    class Meta:
        model = Task
        # The task's fields as the API answers them, in order: the one list. The list endpoint's
        # JSON (tasks.json_array), ?ordering= and the query-parameter writes are derived from it.
        fields = [
            "id",
            "name",
            "description",
            "status",
            "interval_minutes",
            "last_ping",
            "next_reminder_at",
            "position",
            "created_at",
            "updated_at",
        ]
        # The rest of the read-only ones are so by the model (primary key, editable=False, auto_now).
        read_only_fields = ["last_ping"]
        extra_kwargs = {
            "status": {"error_messages": {"invalid_choice": INVALID_STATUS}},
            "position": {
                "required": False,
                "help_text": "0-based place in the task's column; the end of the column when left out.",
            },
        }

    def create(self, validated_data: dict) -> Task:
        return task_create(**validated_data)

    def update(self, instance: Task, validated_data: dict) -> Task:
        return task_update(task=instance, **validated_data)


def _is_sort_key(name: str) -> bool:
    """A plain column of the task's own, except long text (no order anyone asks for, no index)."""
    try:
        field = Task._meta.get_field(name)
    except FieldDoesNotExist:
        return False  # computed or nested in the answer: nothing the database can order by
    return field.concrete and not field.is_relation and not isinstance(field, models.TextField)


ORDERING_FIELDS = tuple(name for name in TaskSerializer.Meta.fields if _is_sort_key(name))


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
        unknown = [key for key in keys if key.removeprefix("-") not in ORDERING_FIELDS]
        if unknown:
            raise serializers.ValidationError(
                f"Cannot order by {', '.join(unknown)}. "
                f"Allowed fields (prefix - for descending): {', '.join(ORDERING_FIELDS)}."
            )
        return keys
