"""The board's cards for scripts and agents: pinged, failed, stalled, claimed; the dialog's lines."""

from datetime import timedelta

import pytest
from django.test import Client

from tasks.claims import task_claim
from tasks.heartbeats import mark_stalled, task_ping
from tasks.models import PingKind, TaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(user):
    def render() -> str:
        client = Client()
        client.force_login(user)
        return client.get("/").content.decode()

    return render


def test_a_heartbeating_card_shows_when_it_was_pinged(page, make_task):
    task = make_task(status=TaskStatus.IN_PROGRESS)
    assert "Pinged" not in page()
    task_ping(task=task)
    assert "Pinged <time" in page()


def test_a_failed_card_shows_its_exit_status(page, make_task):
    task = make_task(status=TaskStatus.IN_PROGRESS)
    task_ping(task=task, kind=PingKind.FAIL, exit_status=2)
    assert "Failed (exit 2)" in page()


def test_a_stalled_card_says_so(page, make_task):
    task = make_task(status=TaskStatus.IN_PROGRESS, interval_minutes=1, grace_minutes=0)
    task_ping(task=task, now=task.last_ping)
    mark_stalled(now=task.last_ping + timedelta(minutes=5))
    assert "chip-stalled" in page()


def test_a_claimed_card_shows_its_holder(page, make_task, user):
    task_claim(task=make_task(), actor=user)
    assert "Claimed by alice until <time" in page()


def test_the_task_dialog_offers_script_lines(page):
    html = page()
    assert 'id="script-cron-line"' in html and 'id="script-run-line"' in html
