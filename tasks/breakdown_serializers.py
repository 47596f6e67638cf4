"""Phases, todos and comments as the API writes and answers them (the original's shapes, plus
`order` and `assignee` on todos and the author's identity and rendered Markdown on comments).

tasks.json_array writes the same shapes in SQL for the task list; test_breakdown_api holds the
two equal.
"""

from rest_framework import serializers

from tasks.models import Comment, Phase, PhaseStatus, Todo, TodoStatus


def invalid_choice(choices: type) -> str:
    return '"{input}" is not a valid status. Allowed values: ' + ", ".join(choices.values) + "."


_ORDER = {"min_value": -(2**31), "max_value": 2**31 - 1}


class UsernameField(serializers.CharField):
    """A user as their username: read from a foreign key, written as a username (or null)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)

    def to_representation(self, user) -> str | None:
        return user.get_username() if user is not None else None


class TodoSerializer(serializers.ModelSerializer):
    phase_id = serializers.IntegerField(read_only=True)
    assignee = UsernameField(help_text="A member of the task's board (a username), or null.")

    class Meta:
        model = Todo
        fields = ["id", "phase_id", "name", "status", "order", "assignee", "created_at"]
        extra_kwargs = {
            "status": {"error_messages": {"invalid_choice": invalid_choice(TodoStatus)}},
            "order": _ORDER,
        }


class PhaseSerializer(serializers.ModelSerializer):
    task_id = serializers.IntegerField(read_only=True)
    todos = TodoSerializer(many=True, required=False, max_length=500)

    class Meta:
        model = Phase
        fields = ["id", "task_id", "name", "status", "order", "created_at", "todos"]
        extra_kwargs = {
            "status": {"error_messages": {"invalid_choice": invalid_choice(PhaseStatus)}},
            "order": _ORDER,
        }


class PhaseChangeSerializer(PhaseSerializer):
    """PATCH /phases/{id}: status, name or order; its todos change through /todos/{id}."""

    class Meta(PhaseSerializer.Meta):
        read_only_fields = ["todos"]


class CommentSerializer(serializers.ModelSerializer):
    task_id = serializers.IntegerField(read_only=True)
    author = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text=(
            "Free text, as the original (default `system`); a person's or bot's comment is "
            "always theirs."
        ),
    )
    author_user = UsernameField(
        read_only=True, help_text="The writer's account (person, bot, service account), or null."
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "task_id",
            "text",
            "author",
            "timestamp",
            "kind",
            "author_user",
            "html",
            "edited_at",
        ]
        read_only_fields = ["kind", "html", "edited_at"]


class CommentChangeSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20_000)
