"""A board's webhooks on its settings page: an owner adds one (the secret shown once), sends a
test to a real receiver that verifies the signature, sees the last delivery, and deletes it."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from boards.models import Visibility
from boards.services import board_create
from notifications import dispatch
from notifications.models import BoardWebhook
from notifications.tests.receivers import WebhookReceiver
from tasks.services import task_create

pytestmark = pytest.mark.browser


@pytest.fixture
def owner(transactional_db):
    return get_user_model().objects.create_user("olivia", "olivia@example.com", "olivia-pw-1")


@pytest.fixture
def receiver():
    with WebhookReceiver() as running:
        yield running


def test_an_owner_adds_tests_and_deletes_a_board_webhook(
    make_page, owner, receiver, settings, screenshots
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # this process's worker sends to loopback too
    board = board_create(name="Ops", visibility=Visibility.PRIVATE, actor=owner)
    page = make_page(owner)
    page.goto(f"/board/{board.pk}/settings")
    expect(page.locator("html")).to_have_class(re.compile("js-ready"))
    expect(page.locator("#webhooks-empty")).to_have_text("No webhooks yet.")

    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Task deleted").uncheck()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.locator("#webhook-secret-value")
    expect(secret).to_have_value(re.compile("^whsec_"))
    receiver.secret = secret.input_value()
    item = page.locator("#webhooks-list li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(receiver.url)
    expect(item).to_contain_text("no delivery yet")
    hook = BoardWebhook.objects.get()
    assert "task.deleted" not in hook.events and "task.moved" in hook.events

    page.get_by_role("button", name=f"Send a test to {receiver.url}").click()
    expect(page.locator("#live-region")).to_contain_text("Test delivered (HTTP 200)")
    assert receiver.bodies()[0]["event"] == "test"
    assert receiver.bad_signatures == 0

    task_create(name="Backup", board=board)
    assert dispatch.send_one() == 1
    page.reload()
    expect(page.locator("#webhooks-list li")).to_contain_text("last delivery task.created: sent")
    assert receiver.bodies()[1]["task"]["name"] == "Backup"
    page.screenshot(path=screenshots / "board-webhooks.png", full_page=True)

    delete = page.get_by_role("button", name=f"Delete the webhook to {receiver.url}")
    delete.click()
    delete.click()  # the second click confirms
    # Visible, not only its text: the hidden placeholder keeps that text while hooks are listed.
    expect(page.locator("#webhooks-list li")).to_have_count(0)
    expect(page.locator("#webhooks-empty")).to_be_visible()
    assert not BoardWebhook.objects.exists()


def test_a_refused_url_shows_the_reason_next_to_the_field(make_page, owner, watch):
    watch.allow_console_error("status of 400")  # Chromium logs every 4xx answer to fetch()
    board = board_create(name="Ops", visibility=Visibility.PRIVATE, actor=owner)
    page = make_page(owner)
    page.goto(f"/board/{board.pk}/settings")
    expect(page.locator("html")).to_have_class(re.compile("js-ready"))
    page.get_by_label("URL").fill("ftp://example.com/hook")
    page.get_by_role("button", name="Add webhook").click()
    expect(page.locator('[data-error-for="url"]')).to_contain_text("http:// or https://")
    assert not BoardWebhook.objects.exists()
