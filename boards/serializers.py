from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from boards.access import role_given
from boards.models import (
    BOARD_NAME_MAX_LENGTH,
    MAX_ESCALATE_AFTER_REMINDERS,
    TAG_COLOURS,
    Board,
    Membership,
    Role,
    Visibility,
)


def _invalid_choice(what: str, allowed: list[str]) -> str:
    return f'"{{input}}" is not a valid {what}. Allowed values: {", ".join(allowed)}.'


INVALID_VISIBILITY = _invalid_choice("visibility", Visibility.values)
INVALID_ROLE = _invalid_choice("role", Role.values)
_ESCALATION_BOUNDS = (
    f"escalate_after_reminders is a whole number from 0 (never) to {MAX_ESCALATE_AFTER_REMINDERS}."
)

_ROLE_HELP = "viewer (reads), editor (also writes tasks) or owner (also members and settings)."


def _role_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Role.values, error_messages={"invalid_choice": INVALID_ROLE}, **kwargs
    )


class TagColoursField(serializers.DictField):
    """{"tag": "colour"}: at most 100 tags of at most 50 characters, colours from TAG_COLOURS."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.ChoiceField(
                choices=TAG_COLOURS,
                error_messages={
                    "invalid_choice": '"{input}" is not a tag colour. Allowed values: '
                    + ", ".join(TAG_COLOURS)
                    + "."
                },
            ),
            **kwargs,
        )

    def to_internal_value(self, data):
        colours = super().to_internal_value(data)
        if len(colours) > 100 or any(not 0 < len(tag.strip()) <= 50 for tag in colours):
            raise serializers.ValidationError("At most 100 tags, each of 1 to 50 characters.")
        if any("\x00" in tag for tag in colours):
            # As a task's tags (CharField refuses it); PostgreSQL's jsonb cannot store one either.
            raise serializers.ValidationError("A tag may not contain a null character.")
        return {tag.strip(): colour for tag, colour in colours.items()}


class BoardSerializer(serializers.ModelSerializer):
    """A board, with the caller's `role` on it (None: not a member, reading a public board).

    The instances come from boards.selectors.boards_for, which reads `membership_role` along.
    """

    role = serializers.SerializerMethodField()
    tag_colours = TagColoursField(
        required=False,
        help_text="The colours of its tasks' tags: {tag: colour}; a write replaces it.",
    )

    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "visibility",
            "is_default",
            "role",
            "escalate_after_reminders",
            "created_at",
            "remind_hours_before_due",
            "tag_colours",
        ]
        extra_kwargs = {
            "name": {
                "help_text": f"Not blank, at most {BOARD_NAME_MAX_LENGTH} characters.",
                "error_messages": {"blank": "A board needs a name."},
            },
            "escalate_after_reminders": {
                "help_text": (
                    "After this many reminders of a task with no answer, its board's owners get "
                    f"an escalation too; 0 (the default): never. At most {MAX_ESCALATE_AFTER_REMINDERS}."
                ),
                "error_messages": {
                    "max_value": _ESCALATION_BOUNDS,
                    "min_value": _ESCALATION_BOUNDS,
                },
            },
            "visibility": {
                "help_text": "public (readable without login while PUBLIC_READ) or private.",
                "error_messages": {"invalid_choice": INVALID_VISIBILITY},
            },
            "remind_hours_before_due": {
                "help_text": (
                    "Remind a task's people this many hours before its due date (null: never)."
                ),
                "min_value": 0,
                "max_value": 8760,
            },
        }

    @extend_schema_field(_role_field(allow_null=True, help_text=f"Your role: {_ROLE_HELP}"))
    def get_role(self, board: Board) -> str | None:
        request = self.context["request"]
        return role_given(request.user, getattr(board, "membership_role", None))


class MemberSerializer(serializers.ModelSerializer):
    """A member of a board, as the API answers it (instances from boards.selectors.board_members)."""

    username = serializers.CharField(source="user.get_username", read_only=True)
    name = serializers.SerializerMethodField(help_text="Their full name, or their username.")
    is_bot = serializers.SerializerMethodField(help_text="A bot account rather than a person.")
    role = _role_field(read_only=True, help_text=_ROLE_HELP)

    class Meta:
        model = Membership
        fields = ["username", "name", "role", "is_bot"]

    def get_name(self, membership: Membership) -> str:
        return membership.user.get_full_name() or membership.user.get_username()

    def get_is_bot(self, membership: Membership) -> bool:
        try:
            return getattr(membership.user, "bot", None) is not None
        except ObjectDoesNotExist:
            return False


class MemberAddSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="Who to add (a person or a bot).")
    role = _role_field(help_text=_ROLE_HELP)


class MemberRoleSerializer(serializers.Serializer):
    role = _role_field(help_text=_ROLE_HELP)


class BoardDeletedSerializer(serializers.Serializer):
    message = serializers.CharField()
    board_id = serializers.IntegerField()


class MemberRemovedSerializer(serializers.Serializer):
    message = serializers.CharField()
    username = serializers.CharField()
