"""Web push (the browser's Push API): the server's VAPID key, browsers' subscriptions, the sender.

A web push channel's `target` is the browser's PushSubscription as JSON (`endpoint` and the keys
`p256dh`, `auth`), which the board's "Notify this browser" control makes. pywebpush encrypts each
message for that browser (aes128gcm) and signs the request with the server's VAPID key; the push
service (Google's, Mozilla's, Apple's) wakes the browser, whose service worker (/sw.js) shows it.
"""

import base64
import binascii
import json
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import IntegrityError, transaction
from py_vapid import Vapid
from pywebpush import WebPushException
from pywebpush import webpush as pywebpush_send

from notifications.channels import Message, Outcome, TargetRefused, check_host, http_outcome
from notifications.models import Channel, VapidKey

# How long a push service keeps a message for a browser that is offline.
PUSH_TTL_SECONDS = 24 * 3600
# What the push service's answer says for a subscription that no longer exists: switch it off.
GONE_STATUSES = (404, 410)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    # Strictly (urlsafe_b64decode skips what it cannot read); plain base64 is taken too.
    text = text.replace("+", "-").replace("/", "_").rstrip("=")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


# --- The server's key --------------------------------------------------------------------------


def new_private_key() -> str:
    """A new VAPID private key, in the form VAPID_PRIVATE_KEY and the stored key take."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def _stored_private_key() -> str:
    row = VapidKey.objects.filter(name="default").first()
    if row is not None:
        return row.private_key
    try:
        with transaction.atomic():
            return VapidKey.objects.create(
                name="default", private_key=new_private_key()
            ).private_key
    except IntegrityError:
        # Another process made it first: everyone signs with that one.
        return VapidKey.objects.get(name="default").private_key


def vapid() -> Vapid:
    """The server's VAPID key: VAPID_PRIVATE_KEY, or the stored one (made on first use)."""
    return Vapid.from_string(settings.VAPID_PRIVATE_KEY or _stored_private_key())


def check_configured_key(**kwargs) -> list:
    """System check (notifications.apps): a VAPID_PRIVATE_KEY that cannot be read is an error at
    `manage.py check`, not a failed push later."""
    from django.core.checks import Error

    if not settings.VAPID_PRIVATE_KEY:
        return []
    try:
        Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    except Exception as error:  # py_vapid raises whatever its decoder raises
        return [
            Error(
                f"VAPID_PRIVATE_KEY is not a P-256 private key (base64url, raw or DER): {error}",
                id="notifications.E001",
            )
        ]
    return []


def public_key() -> str:
    """The key browsers subscribe with (`applicationServerKey`): base64url of the P-256 point."""
    point = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


# --- Subscriptions ------------------------------------------------------------------------------


def _key(keys: dict, name: str, length: int) -> bytes:
    value = keys.get(name)
    if not isinstance(value, str) or not value:
        raise TargetRefused(f'the subscription has no "keys.{name}"')
    try:
        raw = _b64url_decode(value)
    except (binascii.Error, ValueError):
        raise TargetRefused(f'"keys.{name}" is not base64url') from None
    if len(raw) != length:
        raise TargetRefused(f'"keys.{name}" must be {length} bytes, not {len(raw)}')
    return raw


def parse_subscription(target: str) -> dict:
    """The PushSubscription in `target`, in the form pywebpush takes; TargetRefused when it is not
    one (or its endpoint is on a private address, as for webhooks)."""
    try:
        data = json.loads(target)
    except (ValueError, RecursionError):
        raise TargetRefused(
            "a web push target is the browser's PushSubscription as JSON "
            '({"endpoint": "https://...", "keys": {"p256dh": "...", "auth": "..."}})'
        ) from None
    if not isinstance(data, dict):
        raise TargetRefused("a web push target must be a JSON object")
    endpoint = data.get("endpoint")
    try:
        parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
    except ValueError:  # an unclosed IPv6 bracket
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused('the subscription\'s "endpoint" must be an https:// URL')
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise TargetRefused('the subscription has no "keys"')
    p256dh = _key(keys, "p256dh", 65)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        raise TargetRefused('"keys.p256dh" is not a P-256 public key') from None
    _key(keys, "auth", 16)
    try:
        port = parts.port
    except ValueError:
        raise TargetRefused("the endpoint's port is not a number") from None
    check_host(parts.hostname, port=port)
    return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def clean_subscription(target: str) -> str:
    """The subscription as stored: only what sending needs, in one canonical form."""
    return json.dumps(parse_subscription(target), separators=(",", ":"))


# --- Sending ------------------------------------------------------------------------------------


def push_payload(message: Message) -> dict:
    """What the service worker reads (templates/notifications/sw.js)."""
    notification = message.payload.get("notification") or {}
    return {
        "title": message.subject,
        "body": notification.get("message") or message.payload.get("message", ""),
        "url": message.url,
        "notification": notification.get("id"),
        "event": message.event,
        # The signed "I'm on it" link; the service worker shows the action only when there is one.
        "ack_url": message.ack_url,
        "actions": [{"action": "ack", "title": "I'm on it"}] if message.ack_url else [],
    }


class _NoRedirects(requests.Session):
    """A push endpoint's redirect is its answer, never followed (it could point anywhere, a private
    address included), as for webhooks."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def send_webpush(channel: Channel, message: Message, now: datetime) -> Outcome:
    try:
        subscription = parse_subscription(channel.target)
    except TargetRefused as error:
        return Outcome(ok=False, error=str(error))
    body = json.dumps(push_payload(message), separators=(",", ":"))
    with _NoRedirects() as session:
        try:
            response = pywebpush_send(
                subscription,
                body,
                vapid_private_key=vapid(),
                # A new dict each time: pywebpush writes "aud" and "exp" into it.
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                timeout=settings.DELIVERY_TIMEOUT_SECONDS,
                ttl=PUSH_TTL_SECONDS,
                requests_session=session,
            )
        except WebPushException as error:
            response = error.response
            if response is None:
                return Outcome(ok=False, error=f"web push: {error.message}")
        except requests.RequestException as error:
            return Outcome(ok=False, retryable=True, error=f"{type(error).__name__}: {error}")
    outcome = http_outcome(response.status_code, response.headers, response.text)
    return replace(outcome, gone=response.status_code in GONE_STATUSES)
