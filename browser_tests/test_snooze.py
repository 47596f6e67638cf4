"""Snoozing a reminder from the inbox and the bell: 1 hour, 4 hours, or until tomorrow 9:00 in the
person's own time zone (POST /tasks/{id}/snooze)."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reminders.sweep import send_due_reminders
from tasks.models import Task, TaskChange, TaskStatus
from tasks.services import task_create

pytestmark = pytest.mark.browser


def reminded(name: str = "Nightly backup") -> Task:
    start = timezone.now() - timedelta(minutes=3)
    task = task_create(name=name, status=TaskStatus.IN_PROGRESS, interval_minutes=1, now=start)
    send_due_reminders(now=start + timedelta(minutes=1))
    return task


def test_snooze_four_hours_from_the_inbox(make_page, member, screenshots):
    task = reminded()
    page = make_page(member)
    page.goto("/inbox")
    expect(page.locator("html")).to_have_class(re.compile("js-ready"))
    page.screenshot(path=screenshots / "inbox-snooze.png")
    clicked_at = timezone.now()
    page.get_by_role("button", name="Snooze 4 hours: Nightly backup").click()
    expect(page.locator("#live-region")).to_contain_text("Snoozed: reminders wait until")
    task.refresh_from_db()
    assert task.reminders_paused_until >= clicked_at + timedelta(hours=4)
    assert task.next_reminder_at >= task.reminders_paused_until
    change = TaskChange.objects.filter(task=task).latest("id")
    assert change.changes["reason"] == "snoozed"
    assert change.actor == member


def test_snooze_until_tomorrow_is_nine_in_the_persons_time_zone(make_page, member):
    task = reminded()
    page = make_page(member, timezone_id="Asia/Tokyo")
    page.goto("/inbox")
    expect(page.locator("html")).to_have_class(re.compile("js-ready"))
    page.get_by_role("button", name="Snooze until tomorrow 9:00: Nightly backup").click()
    expect(page.locator("#live-region")).to_contain_text("Snoozed")
    task.refresh_from_db()
    local = task.reminders_paused_until.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (9, 0)


def test_snooze_one_hour_from_the_bell(make_page, member):
    task = reminded()
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Notifications").click()
    clicked_at = timezone.now()
    page.get_by_role("button", name="Snooze 1 hour: Nightly backup").click()
    expect(page.locator("#live-region")).to_contain_text("Snoozed")
    task.refresh_from_db()
    assert task.reminders_paused_until >= clicked_at + timedelta(hours=1)


def test_a_viewer_is_told_who_may_snooze(make_page, member, watch):
    from boards.models import Membership, Role

    task = reminded()  # she was an editor then, so she got the reminder
    Membership.objects.filter(user=member).update(role=Role.VIEWER)
    watch.allow_console_error("status of 403")  # Chromium logs every 4xx answer to fetch()
    page = make_page(member)
    page.goto("/inbox")
    expect(page.locator("html")).to_have_class(re.compile("js-ready"))
    page.get_by_role("button", name="Snooze 1 hour: Nightly backup").click()
    expect(page.locator("#toast")).to_contain_text("editor")
    task.refresh_from_db()
    assert task.reminders_paused_until is None
