from rest_framework import serializers

from notifications.models import Channel, ChannelKind, Delivery, DeliveryAttempt, NotificationType

ALLOWED_EVENTS = ", ".join(NotificationType.values)


class EventsField(serializers.ListField):
    child = serializers.ChoiceField(
        choices=NotificationType.values,
        error_messages={
            "invalid_choice": '"{input}" is not a notification type. Allowed: '
            + ALLOWED_EVENTS
            + "."
        },
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", len(NotificationType.values) * 2)
        super().__init__(**kwargs)


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
