"""The request-forgery guard of webhooks: names that resolve to private addresses are refused, and
the sender connects to the addresses the check approved, never resolving the name again (a DNS
rebinding attacker could otherwise answer a public address to the check, loopback to the send)."""

import socket

import pytest
from django.utils import timezone

from notifications import channels
from notifications.channel_services import webhook_secret
from notifications.tests.receivers import WebhookReceiver


def message() -> channels.Message:
    return channels.Message(id="msg_1", event="test", subject="", text="", payload={"ok": True})


def test_a_name_that_resolves_to_loopback_is_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(channels.TargetRefused, match="private"):
        channels.check_webhook_url("http://localhost:9/hook")


def test_sending_to_a_name_that_resolves_to_loopback_is_refused_without_a_request(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    with WebhookReceiver() as receiver:
        port = receiver.server.server_address[1]
        outcome = channels.post_webhook(
            f"http://localhost:{port}/hook", webhook_secret(), message(), timezone.now()
        )
    assert not outcome.ok and not outcome.retryable
    assert "private" in outcome.error
    assert receiver.requests == []


def test_the_check_answers_the_addresses_it_approved(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    assert channels.check_webhook_url("http://93.184.215.14/hook") == ["93.184.215.14"]


def test_the_sender_dials_the_approved_address_without_resolving_again(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    settings.DELIVERY_TIMEOUT_SECONDS = 2.0
    secret = webhook_secret()
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_resolver(host, *args, **kwargs):
        # Asked again after the check, the attacker's DNS would answer loopback.
        if host == "rebind.invalid":
            raise AssertionError("the sender resolved the name again after the check")
        return real_getaddrinfo(host, *args, **kwargs)

    with WebhookReceiver(secret=secret) as receiver:
        port = receiver.server.server_address[1]
        # What the check approved when it resolved the name (it answers a public address in the
        # attack; the test's receiver is on loopback, so the approved address is given here).
        monkeypatch.setattr(channels, "check_webhook_url", lambda url: ["127.0.0.1"])
        monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
        outcome = channels.post_webhook(
            f"http://rebind.invalid:{port}/hook", secret, message(), timezone.now()
        )
    assert outcome.ok, outcome.error
    assert receiver.requests[0]["headers"]["host"] == f"rebind.invalid:{port}"
    assert receiver.bad_signatures == 0
