"""The inbox page, /inbox: my notifications, a page at a time, with filters."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from board.tests.board_factories import bulk_boards, member
from board.views import INBOX_PAGE_SIZE
from boards.access import default_board
from boards.models import Role
from notifications.acknowledgements import notification_acknowledge
from notifications.models import Notification, NotificationType
from notifications.services import (
    inbox_entry_mark_read,
    notification_create,
    notifications_create_reminders,
)
from reminders.sweep import send_due_reminders
from tasks.models import TaskStatus
from tasks.services import task_create

pytestmark = pytest.mark.django_db


def person(username: str):
    return get_user_model().objects.create_user(username)


@pytest.fixture
def alice():
    alice = person("alice")
    member(alice, default_board(), Role.EDITOR)
    return alice


@pytest.fixture
def client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def notify(message: str, board=None, **fields):
    task = task_create(name=f"Task for {message}", board=board)
    return notification_create(task=task, message=message, **fields)


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get("/inbox")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/inbox"


def test_it_lists_my_notifications_only(client, alice):
    dave = person("dave")
    other = bulk_boards(1)[0]
    member(dave, other, Role.EDITOR)
    notify("Mine")
    notify("Dave's", board=other)
    notification_create(message="Shared inbox only")
    html = client.get("/inbox").content.decode()
    assert "Mine" in html
    assert "Dave's" not in html and "Shared inbox only" not in html


def test_it_pages_newest_first(client):
    for number in range(INBOX_PAGE_SIZE + 3):
        notify(f"Note {number:02}")
    first = client.get("/inbox").content.decode()
    second = client.get("/inbox?page=2").content.decode()
    assert first.count('class="notification') == INBOX_PAGE_SIZE
    assert first.index("Note 27") < first.index("Note 26")
    assert "Note 02" not in first and 'rel="next"' in first
    assert second.count('class="notification') == 3 and "Note 00" in second
    assert f"26–{INBOX_PAGE_SIZE + 3} of {INBOX_PAGE_SIZE + 3}" in second


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1"])
def test_a_page_out_of_range_shows_the_nearest_page(client, page):
    notify("Only one")
    response = client.get("/inbox", {"page": page})
    assert response.status_code == 200 and b"Only one" in response.content


def test_unread_only_leaves_out_what_i_read(client, alice):
    read = notify("Read it")
    notify("Not yet")
    inbox_entry_mark_read(entry=read.inbox_entries.get(user=alice))
    html = client.get("/inbox?unread=1").content.decode()
    assert "Not yet" in html and "Read it" not in html


def test_the_type_filter(client):
    task = task_create(name="Deploy", status="in_progress")
    notifications_create_reminders(tasks=[task], now=task.last_ping)
    notify("Done!", notification_type=NotificationType.COMPLETION)
    html = client.get("/inbox?type=reminder").content.decode()
    assert "needs attention" in html and "Done!" not in html


def test_the_board_filter(client, alice):
    other = bulk_boards(1)[0]
    member(alice, other, Role.EDITOR)
    notify("On main")
    notify("On the other board", board=other)
    html = client.get(f"/inbox?board={other.pk}").content.decode()
    assert "On the other board" in html and "On main" not in html


def test_unknown_filter_values_are_ignored(client):
    private = bulk_boards(1)[0]
    notify("On main")
    response = client.get("/inbox", {"type": "bogus", "board": private.pk, "unread": "yes"})
    assert response.status_code == 200 and b"On main" in response.content


def test_paging_keeps_the_filters(client):
    for number in range(INBOX_PAGE_SIZE + 1):
        notify(f"Note {number}")
    html = client.get("/inbox?unread=1&type=system").content.decode()
    assert 'href="?unread=1&amp;type=system&amp;page=2"' in html


def test_it_reads_in_nine_queries(client, django_assert_num_queries):
    for number in range(INBOX_PAGE_SIZE * 2):
        notify(f"Note {number}")
    # The session and its user, the boards (switcher and filter), the count, the page of grouped
    # rows, their latest notifications, their acknowledgements (notifications.grouping), the
    # page's deliveries, the unread.
    with django_assert_num_queries(9):
        response = client.get("/inbox")
    assert response.content.count(b'data-action="mark-read"') == INBOX_PAGE_SIZE


def test_each_notification_links_to_its_board_and_task(client):
    notification = notify("Deploy")
    html = client.get("/inbox").content.decode()
    board = default_board().pk
    assert f'href="/?board={board}#task-{notification.task_id}" class="link">Open task' in html


# --- Repeats grouped, and "I'm on it" -----------------------------------------------------------


def _reminded(times: int, name: str = "Nightly backup"):
    start = timezone.now() - timedelta(minutes=times + 1)
    task = task_create(name=name, status=TaskStatus.IN_PROGRESS, interval_minutes=1, now=start)
    for number in range(1, times + 1):
        send_due_reminders(now=start + timedelta(minutes=number))
    return task


def test_a_tasks_reminders_are_one_row_with_their_count(client):
    _reminded(10)
    html = client.get("/inbox").content.decode()
    assert "Nightly backup is still in progress: 10 reminders" in html
    assert html.count('class="notification') == 1
    assert "<span>last</span>" in html


def test_every_shows_each_reminder_on_its_own_row(client):
    _reminded(3)
    html = client.get("/inbox?every=1").content.decode()
    assert html.count('class="notification') == 3


def test_a_grouped_row_marks_the_whole_group_read(client):
    task = _reminded(3)
    html = client.get("/inbox").content.decode()
    assert f'data-action="mark-group-read" data-task-id="{task.pk}"' in html


def test_a_reminder_offers_im_on_it(client):
    _reminded(1)
    assert 'data-action="acknowledge"' in client.get("/inbox").content.decode()


def test_an_acknowledged_reminder_says_who_is_on_it(client, alice):
    task = _reminded(2)
    notification_acknowledge(
        notification=Notification.objects.filter(task=task).order_by("-id").first(), actor=alice
    )
    html = client.get("/inbox").content.decode()
    assert "alice is on it" in html
    assert 'data-action="acknowledge"' not in html


def test_a_completion_offers_no_im_on_it(client):
    task_create(name="Report", status="done")
    assert 'data-action="acknowledge"' not in client.get("/inbox").content.decode()
