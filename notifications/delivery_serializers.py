from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.models import (
    BoardWebhook,
    BoardWebhookEvent,
    Channel,
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    NotificationType,
)

ALLOWED_EVENTS = ", ".join(NotificationType.values)


class ChoicesListField(serializers.ListField):
    """A list of `choices` (each named `noun` in the error), at most twice as many as there are."""

    def __init__(self, *, choices: list[str], noun: str, **kwargs):
        allowed = ", ".join(choices)
        kwargs.setdefault("max_length", len(choices) * 2)
        super().__init__(
            child=serializers.ChoiceField(
                choices=choices,
                error_messages={
                    "invalid_choice": f'"{{input}}" is not {noun}. Allowed: {allowed}.'
                },
            ),
            **kwargs,
        )


class EventsField(ChoicesListField):
    def __init__(self, **kwargs):
        super().__init__(choices=NotificationType.values, noun="a notification type", **kwargs)


class ChannelSerializer(serializers.ModelSerializer):
    events = EventsField(help_text=f"The notification types it receives: {ALLOWED_EVENTS}.")

    class Meta:
        model = Channel
        fields = [
            "id",
            "kind",
            "target",
            "events",
            "enabled",
            "consecutive_failures",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = fields


class ChannelCreatedSerializer(ChannelSerializer):
    secret = serializers.CharField(
        help_text="A webhook's signing secret (Standard Webhooks, whsec_...): shown only here, "
        "once. Empty for other kinds."
    )

    class Meta(ChannelSerializer.Meta):
        fields = [*ChannelSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class ChannelCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChannelKind.values)
    target = serializers.CharField(
        max_length=2000,
        help_text="An email address, a webhook URL (http/https), an Apprise URL, or a browser's "
        "PushSubscription as JSON (web push).",
    )
    events = EventsField(required=False, allow_empty=False, help_text="Default: every type.")


class ChannelUpdateSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=2000, required=False)
    events = EventsField(required=False, allow_empty=True)
    enabled = serializers.BooleanField(required=False)


class WebPushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(help_text="The VAPID public key, base64url (65 bytes).")


class ChannelTestResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["started_at", "duration_ms", "status_code", "error", "succeeded"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    state = serializers.CharField(help_text="sent, pending, retrying or failed.")
    channel_kind = serializers.CharField(source="channel.kind")
    attempt_log = DeliveryAttemptSerializer(many=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "notification",
            "channel",
            "channel_kind",
            "status",
            "state",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "sent_at",
            "attempt_log",
        ]
        read_only_fields = fields


# --- Board webhooks (notifications.board_webhooks) ---------------------------------------------

ALLOWED_BOARD_EVENTS = ", ".join(BoardWebhookEvent.values)


class BoardEventsField(ChoicesListField):
    def __init__(self, **kwargs):
        super().__init__(choices=BoardWebhookEvent.values, noun="a board event", **kwargs)


class BoardWebhookLastDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="last_delivery_id")
    event = serializers.CharField(source="last_delivery_event")
    state = serializers.SerializerMethodField(help_text="sent, pending, retrying or failed.")
    attempts = serializers.IntegerField(source="last_delivery_attempts")
    status_code = serializers.IntegerField(source="last_attempt_status_code", allow_null=True)
    error = serializers.CharField(source="last_delivery_error")
    created_at = serializers.DateTimeField(source="last_delivery_created_at")
    attempted_at = serializers.DateTimeField(source="last_attempt_at", allow_null=True)
    sent_at = serializers.DateTimeField(source="last_delivery_sent_at", allow_null=True)

    def get_state(self, hook) -> str:
        return Delivery(
            status=hook.last_delivery_status, attempts=hook.last_delivery_attempts
        ).state


class BoardWebhookSerializer(serializers.ModelSerializer):
    events = BoardEventsField(help_text=f"The events it receives: {ALLOWED_BOARD_EVENTS}.")
    last_delivery = serializers.SerializerMethodField()

    class Meta:
        model = BoardWebhook
        fields = [
            "id",
            "board",
            "url",
            "events",
            "enabled",
            "consecutive_failures",
            "disabled_reason",
            "created_at",
            "last_delivery",
        ]
        read_only_fields = fields

    @extend_schema_field(BoardWebhookLastDeliverySerializer(allow_null=True))
    def get_last_delivery(self, hook) -> dict | None:
        if getattr(hook, "last_delivery_id", None) is None:
            return None
        return BoardWebhookLastDeliverySerializer(hook).data


class BoardWebhookCreatedSerializer(BoardWebhookSerializer):
    secret = serializers.CharField(
        help_text="The signing secret (Standard Webhooks, whsec_...): shown only here, once."
    )

    class Meta(BoardWebhookSerializer.Meta):
        fields = [*BoardWebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class BoardWebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="An http:// or https:// URL.")
    events = BoardEventsField(required=False, allow_empty=False, help_text="Default: every event.")


class BoardWebhookUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, required=False)
    events = BoardEventsField(required=False, allow_empty=True)
    enabled = serializers.BooleanField(required=False)


class BoardWebhookDeliverySerializer(serializers.ModelSerializer):
    state = serializers.CharField(help_text="sent, pending, retrying or failed.")
    attempt_log = DeliveryAttemptSerializer(many=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "status",
            "state",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "sent_at",
            "attempt_log",
        ]
        read_only_fields = fields
