"""API shapes for tokens and bots. A token's text appears in a create answer only, once."""

from datetime import timedelta

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import TOKEN_NAME_MAX_LENGTH, ApiToken
from accounts.services import BOT_NAME_MAX_LENGTH, BOT_ROLE_VALUES, BOT_ROLES

# Past this a date would overflow; no token needs to live longer than a century.
MAX_EXPIRES_IN_DAYS = 36500


class _DaysField(serializers.IntegerField):
    def to_internal_value(self, data):
        # JSON true/false are not numbers (DRF would read `true` as 1 day).
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


def _expires_in_days() -> _DaysField:
    return _DaysField(
        min_value=1,
        max_value=MAX_EXPIRES_IN_DAYS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Days until the token stops working; null or absent: it never expires.",
    )


def expires_in(validated_data: dict) -> timedelta | None:
    days = validated_data.get("expires_in_days")
    return timedelta(days=days) if days else None


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "expiry", "last_used_at"]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=TOKEN_NAME_MAX_LENGTH, help_text="What the token is for."
    )
    expires_in_days = _expires_in_days()


class TokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The token itself: shown this once, stored hashed.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class BotSerializer(serializers.Serializer):
    """A bot on a board, from accounts.selectors.bots_on_board."""

    name = serializers.CharField()
    role = serializers.CharField()
    created_by = serializers.CharField(source="created_by_name", allow_null=True)
    created_at = serializers.DateTimeField(source="bot_created_at")
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When its tokens stop working; null: never (or it has none)."
    )


class BotCreateSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=BOT_NAME_MAX_LENGTH,
        help_text="The bot's username: letters, digits and @.+-_ , free among all users.",
    )
    role = serializers.ChoiceField(
        choices=BOT_ROLE_VALUES,
        error_messages={
            "invalid_choice": f'"{{input}}" is not a bot\'s role: {" or ".join(BOT_ROLES)}.'
        },
    )
    expires_in_days = _expires_in_days()


class BotCreatedSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    token = serializers.CharField(help_text="The bot's token: shown this once, stored hashed.")
    expires_at = serializers.DateTimeField(allow_null=True)


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "22:00"}
)
class ClockTimeField(serializers.TimeField):
    """A time of day as people write it, "22:00" (seconds accepted on input). Not OpenAPI's
    `format: time`, which is RFC 3339's and needs a UTC offset a wall-clock setting has none of."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class NotificationPreferencesSerializer(serializers.Serializer):
    time_zone = serializers.CharField(
        max_length=64, required=False, help_text="An IANA time zone name, e.g. Europe/Paris."
    )
    quiet_start = ClockTimeField(
        required=False, allow_null=True, help_text="Quiet hours start (HH:MM, in time_zone)."
    )
    quiet_end = ClockTimeField(
        required=False,
        allow_null=True,
        help_text="Quiet hours end; before quiet_start means across midnight.",
    )

    def validate_time_zone(self, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(f'"{value}" is not a known time zone.') from None
        return value
