"""Answering reminders in the browser: "I'm on it" from the inbox and from the bell, and a grouped
row of a task's reminders marked read at once."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Acknowledgement, InboxEntry
from reminders.sweep import send_due_reminders
from tasks.models import Task, TaskStatus
from tasks.services import task_create

pytestmark = pytest.mark.browser


def reminded(times: int, name: str = "Nightly backup") -> Task:
    start = timezone.now() - timedelta(minutes=times + 1)
    task = task_create(name=name, status=TaskStatus.IN_PROGRESS, interval_minutes=1, now=start)
    for number in range(1, times + 1):
        send_due_reminders(now=start + timedelta(minutes=number))
    return task


def test_im_on_it_from_the_inbox_pauses_the_tasks_reminders(make_page, member, screenshots):
    task = reminded(3)
    page = make_page(member)
    page.goto("/inbox")
    expect(page.locator("html")).to_have_class(re.compile("js-ready"))
    expect(page.locator("#inbox-list li")).to_have_count(1)
    expect(page.locator("#inbox-list")).to_contain_text(
        "Nightly backup is still in progress: 3 reminders"
    )
    page.screenshot(path=screenshots / "inbox-grouped.png")
    page.get_by_role("button", name="I'm on it: Nightly backup").click()
    expect(page.locator("#inbox-list [data-acknowledged]")).to_have_text("alice is on it")
    expect(page.locator("#live-region")).to_contain_text("Acknowledged")
    task.refresh_from_db()
    assert task.reminders_paused_until is not None
    assert task.next_reminder_at >= timezone.now() + timedelta(seconds=50)
    assert Acknowledgement.objects.get().user == member


def test_a_grouped_row_is_marked_read_at_once(make_page, member):
    reminded(4)
    page = make_page(member)
    page.goto("/inbox")
    expect(page.locator("html")).to_have_class(re.compile("js-ready"))
    page.get_by_role(
        "button", name="Mark read: Nightly backup is still in progress: 4 reminders"
    ).click()
    expect(page.locator("#inbox-list li")).not_to_have_attribute("data-unread", "")
    assert not InboxEntry.objects.filter(user=member, read_at__isnull=True).exists()


def test_im_on_it_from_the_bell(make_page, member):
    task = reminded(2)
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Notifications").click()
    expect(page.locator("#notifications-list li")).to_have_count(1)
    page.get_by_role("button", name="I'm on it: Nightly backup").click()
    expect(page.locator("#notifications-list [data-acknowledged]")).to_have_text("alice is on it")
    task.refresh_from_db()
    assert task.reminders_paused_until is not None
