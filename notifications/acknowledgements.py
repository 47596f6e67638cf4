"""Acknowledging a reminder ("I'm on it"): the write, and the signed link that lets a recipient do it
from an email or a push notification without logging in.

An acknowledgement pauses the task's reminders for one interval (tasks.reminder_pause, through the
notifications.signals.reminder_acknowledged signal: notifications does not import tasks) and ends
the run of unanswered reminders that escalation counts. Anyone who may read the notification's
board may acknowledge it (people, bots, the static token), not only its recipients: whoever picks
the work up says so.
"""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.access import can_read
from notifications.models import Acknowledgement, Notification, NotificationType
from notifications.signals import reminder_acknowledged
from tracker import events

# Only these ask for an answer; a completion or a system message has nothing to acknowledge.
ACKNOWLEDGEABLE_TYPES = (NotificationType.REMINDER, NotificationType.ESCALATION)

# How long a signed acknowledgement link works.
ACK_LINK_MAX_AGE = timedelta(days=7)
_ACK_LINK_SALT = "notifications.acknowledgements.link"


def _actor_name(actor) -> str:
    return actor.get_username() if actor is not None and actor.is_authenticated else ""


@transaction.atomic
def notification_acknowledge(
    *, notification: Notification, actor, now: datetime | None = None
) -> Acknowledgement:
    """Record that `actor` is on it and pause the task's reminders; the acknowledgement.

    ValidationError for a notification of a kind that asks for no answer.
    """
    now = now or timezone.now()
    if notification.notification_type not in ACKNOWLEDGEABLE_TYPES:
        raise ValidationError(
            {
                "notification_type": [
                    "Only reminders and escalations can be acknowledged, not a "
                    f"{notification.get_notification_type_display().lower()} notification."
                ]
            }
        )
    answers = reminder_acknowledged.send(
        sender=Notification, notification=notification, actor=actor, now=now
    )
    paused_until = next((answer for _, answer in answers if answer is not None), None)
    acknowledgement = Acknowledgement.objects.create(
        notification=notification,
        user=actor if actor is not None and actor.is_authenticated else None,
        actor_name=_actor_name(actor),
        at=now,
        paused_until=paused_until,
    )
    events.publish_after_commit(
        "notification.acknowledged", {"id": notification.pk, "board": notification.board_id}
    )
    return acknowledgement


# --- The signed link -----------------------------------------------------------------------------


def ack_token(*, notification: Notification, user) -> str:
    """A token that lets `user` acknowledge `notification` without logging in."""
    return signing.dumps({"n": notification.pk, "u": user.pk}, salt=_ACK_LINK_SALT, compress=True)


def ack_link(*, notification: Notification, user, base_url: str = "") -> str:
    """The link for an email or a push notification: a confirmation page, then a POST.

    `base_url` (e.g. "https://tracker.example.com") makes it absolute; delivery channels use this.
    """
    path = reverse("notification-ack-link", kwargs={"pk": notification.pk})
    query = urlencode({"token": ack_token(notification=notification, user=user)})
    return f"{base_url.rstrip('/')}{path}?{query}"


class BadAckLink(Exception):
    """The link is forged, expired, for another notification, or its person may no longer read it."""


def ack_link_user(*, notification_id: int, token: str):
    """The person a signed link was made for, if it is valid for `notification_id` and they may
    still read the notification's board; BadAckLink otherwise."""
    try:
        data = signing.loads(token, salt=_ACK_LINK_SALT, max_age=ACK_LINK_MAX_AGE.total_seconds())
    except signing.BadSignature:
        raise BadAckLink("This link is invalid or has expired.") from None
    if not isinstance(data, dict) or data.get("n") != notification_id:
        raise BadAckLink("This link is invalid or has expired.")
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    notification = Notification.objects.select_related("board").filter(pk=notification_id).first()
    if user is None or notification is None or not can_read(user, notification.board):
        raise BadAckLink("This link is invalid or has expired.")
    return user, notification
