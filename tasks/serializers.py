from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

from tasks.breakdown_serializers import CommentSerializer, PhaseSerializer
from tasks.models import Task, TaskPriority, TaskStatus
from tasks.services import task_create, task_update

ALLOWED_STATUSES = ", ".join(TaskStatus.values)
INVALID_STATUS = '"{input}" is not a valid status. Allowed values: ' + ALLOWED_STATUSES + "."
ALLOWED_PRIORITIES = ", ".join(TaskPriority.values)
INVALID_PRIORITY = '"{input}" is not a valid priority. Allowed values: ' + ALLOWED_PRIORITIES + "."

# Earlier clients ordered by `position`, the index that `rank` replaced: same order.
ORDERING_ALIASES = {"position": "rank"}

# Model fields whose value DRF writes to JSON as it is, only coerced to its type; DateTimeField is
# the other plain kind.
# A boolean is one too: tasks.json_array turns SQLite's 0/1 into false/true.
_PLAIN_TYPES = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
)


def plain_columns(model: type[models.Model], names: list[str]) -> list[models.Field] | None:
    """The model field of each name, if every one is a plain column of `model`; None if any is a
    computed or nested field, a relation other than a foreign key (written as its id), or of a
    kind not in _PLAIN_TYPES."""
    columns = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if isinstance(field, models.ForeignKey):
            columns.append(field)
            continue
        if field.is_relation or not isinstance(field, (models.DateTimeField, *_PLAIN_TYPES)):
            return None
        columns.append(field)
    return columns


def _utc_iso(moment: datetime) -> str:
    """DRF's DateTimeField output for the UTC time zone: ISO 8601 ending in Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _json_value(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    return _utc_iso(value) if isinstance(field, models.DateTimeField) else field.to_python(value)


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


# The task's fields as the API answers them, in order: the one list. The list endpoint's JSON
# (tasks.json_array), the one-task answer, ?ordering= and the query-parameter writes derive from it.
ANSWER_FIELDS = [
    "id",
    "board",
    "name",
    "description",
    "status",
    "interval_minutes",
    "last_ping",
    "next_reminder_at",
    "rank",
    "assignees",
    "created_by",
    "created_at",
    "updated_at",
    # The original's work breakdown (issue 15).
    "priority",
    "due_date",
    "progress_percent",
    "context_tags",
    "tags",
    "definition_of_done",
    "phases",
    "comments",
    # Scripts and agents (tasks.heartbeats, tasks.claims).
    "grace_minutes",
    "stalled",
    "failed",
    "last_exit_status",
    "claimed_by",
    "lease_until",
]
# The answer's fields about people: usernames, read from the task's related rows (the queryset
# prefetches them: tasks.selectors.tasks_with_people).
PEOPLE_FIELDS = ("assignees", "created_by", "claimed_by")
# Rows of other tables nested in the answer (prefetched too; tasks.json_array writes them in SQL).
NESTED_FIELDS = ("tags", "phases", "comments")
PLACE_FIELDS = ["before", "after", "position"]


def _anchor_field(side: str) -> StrictIntegerField:
    """`before` or `after`: a card (a task id) of the column the task ends up in."""
    return StrictIntegerField(
        write_only=True,
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=f"Put the task just {side} this card (a task id) of the column it ends up in.",
    )


class BoardField(serializers.PrimaryKeyRelatedField):
    """A board id, among the boards the caller may read: any other id is "does not exist"."""

    def get_queryset(self):
        from boards.access import readable_boards

        request = self.context.get("request")
        return readable_boards(request.user if request is not None else None)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class UsernameListField(serializers.ListField):
    """Usernames in, usernames out (sorted): the people of a many-to-many field."""

    def to_representation(self, people) -> list[str]:
        return sorted(person.get_username() for person in people.all())


class TagListField(serializers.ListField):
    """The task's tags (TaskTag rows, from `context_tags`), in the order given."""

    def to_representation(self, tags) -> list[str]:
        return [tag.name for tag in tags.all()]


class TaskSerializer(serializers.ModelSerializer):
    """The original's task fields plus `rank`, which orders the cards of a board column, and the
    task's board and people (`assignees`, `created_by`: usernames).

    A write places the task with `before` or `after` (a card of its new column) or, as earlier
    clients did, with `position` (an index): none of them are stored, so they are write-only.

    Writes go through tasks.services, so the status rules (ping, reminder schedule, completion
    notification) apply whichever client changes a task.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FloatField: StrictFloatField,
    }
    board = BoardField(
        required=False,
        help_text="The board's id (GET /boards/). Default: the default board. Set on create only.",
    )
    assignees = UsernameListField(
        child=serializers.CharField(max_length=150),
        required=False,
        max_length=100,
        help_text="Usernames of members of the task's board; a write replaces the list.",
    )
    created_by = serializers.CharField(
        source="created_by.get_username",
        read_only=True,
        allow_null=True,
        help_text="Who created it: a username (a person, a bot or the API token's account).",
    )
    tags = TagListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The tags of `context_tags` (comma-separated), in order; filter with ?tag=.",
    )
    phases = PhaseSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text="The work breakdown; given on create only (then POST /tasks/{id}/phases).",
    )
    comments = CommentSerializer(many=True, read_only=True)
    claimed_by = serializers.CharField(
        source="claimed_by.get_username",
        read_only=True,
        allow_null=True,
        help_text="Who holds the task's claim (POST /tasks/{id}/claim), until `lease_until`.",
    )
    before = _anchor_field("above")
    after = _anchor_field("below")
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
        # The answer's fields, then where a write puts the card (write-only, not stored).
        fields = [*ANSWER_FIELDS, *PLACE_FIELDS]
        # Not DRF's unique-together check for (status, rank): ranks are the services' to pick, and
        # the check would refuse every move into a column.
        validators: list = []
        # The rest of the read-only ones are so by the model (primary key, editable=False, auto_now).
        read_only_fields = ["last_ping"]
        extra_kwargs = {
            "status": {"error_messages": {"invalid_choice": INVALID_STATUS}},
            "priority": {"error_messages": {"invalid_choice": INVALID_PRIORITY}},
            "rank": {
                "help_text": (
                    "Orders the cards of a column: sort a status's tasks by rank (as strings, "
                    "byte by byte) for the board's order. Opaque; it changes when cards move."
                )
            },
        }

    def to_representation(self, task: Task) -> dict:
        # Straight from the columns: building DRF's fields is most of the cost of a one-task answer
        # (GET /tasks/{id}, every write's answer). A test holds the two equal.
        if TASK_COLUMNS is None:
            return super().to_representation(task)
        answer = {
            field.name: _json_value(field, getattr(task, field.attname)) for field in TASK_COLUMNS
        }
        answer["assignees"] = sorted(user.get_username() for user in task.assignees.all())
        creator = task.created_by
        answer["created_by"] = creator.get_username() if creator is not None else None
        answer["tags"] = [tag.name for tag in task.tags.all()]
        answer["phases"] = PhaseSerializer(task.phases.all(), many=True).data
        answer["comments"] = CommentSerializer(task.comments.all(), many=True).data
        holder = task.claimed_by
        answer["claimed_by"] = holder.get_username() if holder is not None else None
        return {name: answer[name] for name in ANSWER_FIELDS}

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and "board" in attrs:
            if attrs["board"].pk != self.instance.board_id:
                raise serializers.ValidationError(
                    {"board": ["A task stays on the board it was created on."]}
                )
            del attrs["board"]
        if self.instance is not None and "phases" in attrs:
            raise serializers.ValidationError(
                {
                    "phases": [
                        "Phases are given on create; then use POST /tasks/{id}/phases and "
                        "PATCH or DELETE /phases/{id}."
                    ]
                }
            )
        return attrs

    def _actor(self):
        request = self.context.get("request")
        return request.user if request is not None else None

    def create(self, validated_data: dict) -> Task:
        return task_create(actor=self._actor(), **validated_data)

    def update(self, instance: Task, validated_data: dict) -> Task:
        return task_update(task=instance, actor=self._actor(), **validated_data)


# TaskSerializer's fields as model columns, or None once one is not a plain column (then reads go
# through DRF's fields and the list through the serializer: slower, still right).
TASK_COLUMNS = plain_columns(
    Task, [name for name in ANSWER_FIELDS if name not in (*PEOPLE_FIELDS, *NESTED_FIELDS)]
)


def _is_sort_key(name: str) -> bool:
    """A plain column of the task's own, except long text (no order anyone asks for, no index)."""
    try:
        field = Task._meta.get_field(name)
    except FieldDoesNotExist:
        return False  # computed or nested in the answer: nothing the database can order by
    return field.concrete and not field.is_relation and not isinstance(field, models.TextField)


ORDERING_FIELDS = tuple(name for name in ANSWER_FIELDS if _is_sort_key(name))


def _ordering_alias(key: str) -> str:
    descending, name = key.startswith("-"), key.removeprefix("-")
    return ("-" if descending else "") + ORDERING_ALIASES.get(name, name)


class TaskListQuerySerializer(serializers.Serializer):
    """The list's query parameters, checked so that a typo is a 400 rather than a silent no-op."""

    board = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Only the tasks of this board (an id from GET /boards/). Default: every board you may read.",
    )
    assignee = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="Only tasks assigned to this username; `me` for your own, `none` for unassigned.",
    )

    status = serializers.ChoiceField(
        choices=TaskStatus.values,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": INVALID_STATUS},
        help_text=f"Only tasks with this status: {ALLOWED_STATUSES}.",
    )
    priority = serializers.ChoiceField(
        choices=TaskPriority.values,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": INVALID_PRIORITY},
        help_text=f"Only tasks with this priority: {ALLOWED_PRIORITIES}.",
    )
    tag = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="Only tasks with this tag (one of their `tags`).",
    )
    claimable = serializers.BooleanField(
        required=False,
        help_text="true: only unclaimed To Do tasks, oldest first (for agents: tasks.claims).",
    )
    archived = serializers.BooleanField(
        required=False,
        help_text=(
            "true: only archived (deleted, not yet purged) tasks, newest archived first unless "
            "`ordering` says otherwise; POST /tasks/{id}/restore puts one back."
        ),
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
