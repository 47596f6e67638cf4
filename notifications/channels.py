"""The senders, one per channel kind: each sends one message and says how it went (`Outcome`).

A sender never raises for a receiver's failure; it returns an Outcome that says whether a retry may
help (network errors, timeouts, 5xx, 429) or not (other 4xx, a refused target). The worker
(notifications.dispatch) decides about retries; the channel test (POST /channels/{id}/test) shows the
outcome as it is.
"""

import http.client
import ipaddress
import json
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from notifications.models import Channel, ChannelKind

USER_AGENT = "StatusTracker-Webhooks/1.0"


@dataclass(frozen=True)
class Message:
    """What a channel sends: a subject and text for people, a JSON document for programs."""

    # Stable across every retry of one delivery: the webhook-id receivers drop duplicates by.
    id: str
    event: str
    subject: str
    text: str
    payload: dict
    # The task on the board, and the signed "I'm on it" link (empty when nothing asks for an answer).
    url: str = ""
    ack_url: str = ""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    # Whether another attempt may succeed (network error, timeout, 5xx, 429).
    retryable: bool = False
    status_code: int | None = None
    error: str = ""
    # A 429's Retry-After, in seconds.
    retry_after: float | None = None
    # The receiver says the target no longer exists (a web push subscription's 404/410): the
    # channel is switched off at once rather than retried.
    gone: bool = False


def notification_json(notification) -> dict:
    """A notification as webhook bodies carry it: a person's deliveries and board webhooks alike."""
    return {
        "id": notification.pk,
        "type": notification.notification_type,
        "message": notification.message,
        "created_at": notification.created_at.isoformat(),
    }


class TargetRefused(ValueError):
    """A target the server will not send to (a private address, a malformed URL)."""


# --- Target checks (on create and before every send) ---------------------------------------------


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_host(
    host: str | None, *, port: int | None = None, must_resolve: bool = True
) -> list[str] | None:
    """Refuse a host that resolves to a loopback, link-local or private address (request forgery),
    unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on. Every address it resolves to counts.

    The addresses checked, for the sender to connect to (None: not checked, connect by name), so
    a name that resolves elsewhere a moment later (DNS rebinding) cannot slip past the check."""
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS or not host:
        return None
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        if must_resolve:
            raise TargetRefused(f"{host} does not resolve") from None
        # An Apprise URL's "host" is often a service's token (tgram://bottoken/...), not a name.
        return None
    for info in infos:
        if _is_private(info[4][0]):
            raise TargetRefused(
                f"{host} resolves to a private, loopback or link-local address ({info[4][0]}); "
                "set WEBHOOK_ALLOW_PRIVATE_TARGETS=true to allow it"
            )
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_webhook_url(url: str) -> list[str] | None:
    """Raise TargetRefused for a URL a webhook may not go to; the addresses checked (check_host)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("a webhook target must be an http:// or https:// URL")
    try:
        port = parts.port
    except ValueError:
        raise TargetRefused("the URL's port is not a number") from None
    return check_host(parts.hostname, port=port)


def check_apprise_url(url: str) -> None:
    import apprise

    if not apprise.Apprise().add(url):
        raise TargetRefused("not an Apprise URL that this server supports")
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    check_host(parts.hostname, port=port, must_resolve=False)


def clean_target(kind: str, target: str) -> str:
    """The target as stored; TargetRefused with a reason when it is not one this kind can send to."""
    if kind == ChannelKind.WEBPUSH:
        from notifications import webpush

        return webpush.clean_subscription(target)
    check_target(kind, target)
    return target


def check_target(kind: str, target: str) -> None:
    """Raise TargetRefused with a reason when `target` is not one this kind can send to."""
    if kind == ChannelKind.WEBPUSH:
        from notifications import webpush

        webpush.parse_subscription(target)
    elif kind == ChannelKind.WEBHOOK:
        check_webhook_url(target)
    elif kind == ChannelKind.APPRISE:
        check_apprise_url(target)
    elif kind == ChannelKind.EMAIL:
        from django.core.validators import validate_email

        try:
            validate_email(target)
        except Exception:
            raise TargetRefused("not an email address") from None
    else:
        raise TargetRefused(f"{kind} channels are not available on this server yet")


# --- Senders ------------------------------------------------------------------------------------


def send(channel: Channel, message: Message, *, now: datetime | None = None) -> Outcome:
    sender = SENDERS.get(channel.kind)
    if sender is None:
        return Outcome(ok=False, error=f"{channel.kind} channels are not available")
    return sender(channel, message, now or timezone.now())


def http_outcome(code: int, headers, excerpt: str) -> Outcome:
    """A receiver's HTTP answer as an Outcome: 2xx sent; 5xx and 429 (with its Retry-After)
    retried; any other 4xx refused for good."""
    if 200 <= code < 300:
        return Outcome(ok=True, status_code=code)
    retry_after = None
    if code == 429:
        try:
            retry_after = float(headers.get("Retry-After", ""))
        except ValueError:
            retry_after = None
    return Outcome(
        ok=False,
        retryable=code >= 500 or code == 429,
        status_code=code,
        error=f"HTTP {code}: {excerpt[:200]}",
        retry_after=retry_after,
    )


def send_email(channel: Channel, message: Message, now: datetime) -> Outcome:
    connection = get_connection(timeout=settings.DELIVERY_TIMEOUT_SECONDS)
    mail = EmailMessage(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[channel.target],
        headers={"Message-ID": f"<{message.id}@status-tracker>"},
        connection=connection,
    )
    try:
        mail.send(fail_silently=False)
    except smtplib.SMTPResponseException as error:
        # 4xx is the server's "try again later", 5xx its final no.
        return Outcome(
            ok=False,
            retryable=error.smtp_code < 500,
            status_code=error.smtp_code,
            error=f"SMTP {error.smtp_code}: {error.smtp_error!r}",
        )
    except smtplib.SMTPRecipientsRefused as error:
        return Outcome(ok=False, error=f"recipient refused: {error.recipients}")
    except (OSError, smtplib.SMTPException) as error:
        return Outcome(ok=False, retryable=True, error=f"{type(error).__name__}: {error}")
    return Outcome(ok=True)


def webhook_headers(secret: str, message: Message, body: str, now: datetime) -> dict:
    """The Standard Webhooks headers: webhook-id (the delivery's, the same on every retry),
    webhook-timestamp and webhook-signature (HMAC-SHA256 with the secret)."""
    signature = Webhook(secret).sign(message.id, now, body)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message.id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def _connect_to(addresses: list[str]):
    """A socket.create_connection that dials the checked addresses instead of resolving the name
    again; TLS still verifies the certificate against the name (http.client's server_hostname)."""

    def create_connection(address, timeout=None, source_address=None):
        error: OSError | None = None
        for ip in addresses:
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address)
            except OSError as failure:
                error = failure
        raise error or OSError("no address to connect to")

    return create_connection


def send_webhook(channel: Channel, message: Message, now: datetime) -> Outcome:
    return post_webhook(channel.target, channel.secret, message, now)


def post_webhook(url: str, secret: str, message: Message, now: datetime) -> Outcome:
    """POST the message to `url`, signed with `secret`: a person's webhook channel, a board's hook."""
    try:
        addresses = check_webhook_url(url)
    except TargetRefused as error:
        return Outcome(ok=False, error=str(error))
    body = json.dumps(message.payload, separators=(",", ":"))
    headers = webhook_headers(secret, message, body, now)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = settings.DELIVERY_TIMEOUT_SECONDS
    # http.client, not urllib: a redirect is not followed (it could point anywhere, a private
    # address included); it counts as the receiver's answer.
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    if addresses:
        connection._create_connection = _connect_to(addresses)
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        # Only a little of the body, for the attempt's record (each read within the timeout).
        excerpt = response.read(500).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return Outcome(ok=False, retryable=True, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    return http_outcome(response.status, response.headers, excerpt)


def send_apprise(channel: Channel, message: Message, now: datetime) -> Outcome:
    import apprise

    try:
        check_apprise_url(channel.target)
    except TargetRefused as error:
        return Outcome(ok=False, error=str(error))
    asset = apprise.AppriseAsset(async_mode=False)
    notifier = apprise.Apprise(asset=asset)
    # Apprise's own HTTP services read their timeouts from the URL (`?cto=`, `?rto=`).
    notifier.add(channel.target)
    for service in notifier:
        service.socket_connect_timeout = settings.DELIVERY_TIMEOUT_SECONDS
        service.socket_read_timeout = settings.DELIVERY_TIMEOUT_SECONDS
    try:
        ok = notifier.notify(title=message.subject, body=message.text)
    except Exception as error:  # a plugin's bug must not stop the worker
        return Outcome(ok=False, retryable=True, error=f"{type(error).__name__}: {error}")
    if not ok:
        # Apprise says only that it failed (its log says why): worth another try.
        return Outcome(ok=False, retryable=True, error="Apprise could not deliver the message")
    return Outcome(ok=True)


def send_webpush(channel: Channel, message: Message, now: datetime) -> Outcome:
    from notifications import webpush  # it builds on this module's Outcome and checks

    return webpush.send_webpush(channel, message, now)


SENDERS = {
    ChannelKind.EMAIL: send_email,
    ChannelKind.WEBHOOK: send_webhook,
    ChannelKind.APPRISE: send_apprise,
    ChannelKind.WEBPUSH: send_webpush,
}
