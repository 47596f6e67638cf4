"""Web push in Chromium: the Notifications page's "Notify this browser" control and the service
worker (/sw.js). Chromium cannot subscribe here: Playwright's contexts are incognito, where Chrome has
no Push API, and a real subscription would need Google's push service, off this machine. So the
subscription's encryption and delivery are tested against a local push service in
notifications/tests/test_webpush.py, and here DevTools hands the service worker a push as the
browser would after decrypting it."""

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications import dispatch
from notifications.acknowledgements import ack_link
from notifications.channel_services import channel_create
from notifications.models import Acknowledgement, Channel
from notifications.services import notifications_create_reminders
from notifications.tests.receivers import Browser, PushService
from tasks.services import task_create

pytestmark = pytest.mark.browser


def test_the_notifications_page_offers_to_notify_this_browser_and_says_it_is_off(make_page, member):
    page = make_page(member)
    page.goto("/settings/notifications")
    expect(page.locator("#webpush-state")).to_have_text(
        "Off: this browser does not get your notifications."
    )
    expect(page.get_by_role("button", name="Notify this browser")).to_be_visible()


def test_the_service_worker_registers_with_the_whole_site_as_its_scope(make_page, member, live_url):
    page = make_page(member)
    page.goto("/settings/notifications")
    scope = page.evaluate(
        """async () => {
          const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
          await navigator.serviceWorker.ready;
          return registration.scope;
        }"""
    )
    assert scope == live_url + "/"
    headers = page.evaluate(
        """async () => {
          const response = await fetch("/sw.js");
          return [response.headers.get("service-worker-allowed"),
                  response.headers.get("content-type")];
        }"""
    )
    assert headers[0] == "/" and headers[1].startswith("text/javascript")


def test_the_page_reads_the_servers_key_when_turning_on(make_page, member, watch):
    watch.allow_console_error("does not support the Push API in incognito mode")
    page = make_page(member, permissions=["notifications"])
    page.goto("/settings/notifications")
    with page.expect_response("**/channels/webpush-key") as key:
        page.get_by_role("button", name="Notify this browser").click()
    assert key.value.status == 200 and len(key.value.json()["public_key"]) == 87
    # Chromium refuses to subscribe (incognito): the page says so, adds nothing.
    expect(page.locator("#webpush-state")).to_contain_text("Could not turn on notifications: ")
    expect(page.get_by_role("button", name="Notify this browser")).to_be_enabled()
    assert not Channel.objects.filter(user=member, kind="webpush").exists()


def test_a_pushed_reminder_shows_as_a_notification_with_an_im_on_it_action(
    make_page, member, live_url, settings
):
    # The server's real push for a reminder, caught and decrypted by a local push service.
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.SITE_URL = live_url
    with PushService(Browser()) as service:
        channel_create(user=member, kind="webpush", target=service.subscription())
        task = task_create(name="Nightly backup")
        notification = notifications_create_reminders(tasks=[task], now=timezone.now())[0]
        dispatch.send_due_deliveries(max_seconds=30)
    [payload] = service.payloads()
    page = make_page(member, permissions=["notifications"])
    page.goto("/settings/notifications")
    page.evaluate(
        """async () => {
          await navigator.serviceWorker.register("/sw.js", { scope: "/" });
          await navigator.serviceWorker.ready;
        }"""
    )
    # DevTools hands the worker a push as a push service would (decrypted: the browser's part).
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):  # the events arrive soon after enable
        ours = [r for r in registrations if r["scopeURL"] == live_url + "/"]
        if ours:
            break
        page.wait_for_timeout(100)
    registration = ours[0]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )
    shown = page.evaluate(
        """async () => {
          const registration = await navigator.serviceWorker.ready;
          for (let i = 0; i < 50; i++) {
            const shown = await registration.getNotifications();
            if (shown.length) return shown.map((n) => ({
              title: n.title, body: n.body, tag: n.tag, data: n.data,
              actions: n.actions.map((a) => ({ action: a.action, title: a.title })),
            }));
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          return [];
        }"""
    )
    assert payload["ack_url"].startswith(f"{live_url}/notifications/{notification.pk}/ack?token=")
    assert shown == [
        {
            "title": payload["title"],
            "body": payload["body"],
            "tag": f"notification-{notification.pk}",
            "actions": [{"action": "ack", "title": "I'm on it"}],
            "data": payload,
        }
    ]


def test_the_workers_im_on_it_acknowledges_through_the_signed_link_without_a_session(
    make_page, member, live_url, settings
):
    settings.SITE_URL = live_url
    task = task_create(name="Nightly backup")
    notification = notifications_create_reminders(tasks=[task], now=timezone.now())[0]
    link = ack_link(notification=notification, user=member, base_url=live_url)
    page = make_page()  # no session: the link's token is the credential
    page.goto("/accounts/login/")
    # The worker's own acknowledge() (sw.js), run in a page: DevTools cannot click a notification.
    page.add_script_tag(url="/sw.js")
    shown = page.evaluate(
        """async (link) => {
          const shown = [];
          window.registration = { showNotification: async (title) => shown.push(title) };
          await acknowledge(link, { body: "Nightly backup" });
          return shown;
        }""",
        link,
    )
    assert shown == ["Acknowledged"]
    assert Acknowledgement.objects.get(notification=notification).user == member
