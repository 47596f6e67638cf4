"""Web push in Chromium: the Notifications page's "Notify this browser" control and the service
worker (/sw.js). Chromium cannot subscribe here: Playwright's contexts are incognito, where Chrome has
no Push API, and a real subscription would need Google's push service, off this machine. So the
subscription's encryption and delivery are tested against a local push service in
notifications/tests/test_webpush.py."""

import pytest
from playwright.sync_api import expect

from notifications.models import Channel

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
