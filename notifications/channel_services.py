"""Writes for a person's delivery channels and their deliveries (the API and the settings page call
these). Sending is notifications.dispatch's; the senders are notifications.channels'."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from notifications import channels
from notifications.models import Channel, ChannelKind, Delivery, DeliveryStatus, NotificationType

ALL_EVENTS = list(NotificationType.values)


def webhook_secret() -> str:
    """A new signing secret in the Standard Webhooks form, "whsec_" + base64 of 24 random bytes."""
    import base64
    import secrets

    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def channel_create(*, user, kind: str, target: str, events: list[str] | None = None) -> Channel:
    """A new enabled channel; raises channels.TargetRefused for a target it cannot send to."""
    channel = Channel(
        user=user,
        kind=kind,
        target=channels.clean_target(kind, target),
        events=list(dict.fromkeys(events)) if events else list(ALL_EVENTS),
    )
    if kind == ChannelKind.WEBHOOK:
        channel.secret = webhook_secret()
        Webhook(channel.secret)  # the secret is one the signer accepts
    channel.save()
    return channel


@transaction.atomic
def switch(row, enabled: bool, *, pending: QuerySet[Delivery], why_off: str) -> list[str]:
    """Switch a channel or a board webhook (`row`, locked by the caller) on or off; the fields
    to save. On again is a fresh start; off gives up what waits in `pending`."""
    row.enabled = enabled
    if not enabled:
        pending.filter(status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED, last_error=why_off
        )
        return ["enabled"]
    row.consecutive_failures = 0
    row.disabled_reason = ""
    return ["enabled", "consecutive_failures", "disabled_reason"]


def channel_update(
    *,
    channel: Channel,
    target: str | None = None,
    events: list[str] | None = None,
    enabled: bool | None = None,
) -> Channel:
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    fields = []
    if target is not None and target != channel.target:
        channel.target = channels.clean_target(channel.kind, target)
        fields.append("target")
    if events is not None:
        channel.events = list(dict.fromkeys(events))
        fields.append("events")
    if enabled is not None and enabled != channel.enabled:
        fields += switch(
            channel,
            enabled,
            pending=Delivery.objects.filter(channel=channel),
            why_off="channel switched off by its owner",
        )
    if fields:
        channel.save(update_fields=fields)
    return channel


def channel_delete(*, channel: Channel) -> None:
    # Its deliveries and their attempts go with it (CASCADE).
    channel.delete()


def delivery_retry(*, delivery: Delivery) -> bool:
    """Send a failed delivery again from a fresh set of attempts; False when it is not failed (or
    its channel is off)."""
    changed = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.FAILED, channel__enabled=True
    ).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claim_token="",
        claimed_until=None,
    )
    return bool(changed)
