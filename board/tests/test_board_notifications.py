"""The bell's list as server HTML (board/partials/notifications.html), fetched when it changes."""

import pytest
from django.test import Client

from board.selectors import NOTIFICATIONS_SHOWN
from notifications.models import NotificationType
from notifications.services import notification_create, notification_mark_read
from tracker.middleware.csp import POLICY

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_fragment_lists_the_newest_notifications_first_with_the_unread_count():
    for number in range(NOTIFICATIONS_SHOWN + 5):
        notification_create(message=f"Note {number}")
    html = Client().get("/board/notifications").content.decode()
    assert html.startswith('<div id="notifications-body" data-unread-count="25"')
    assert html.count("<li ") == NOTIFICATIONS_SHOWN
    assert html.index("Note 24") < html.index("Note 23")
    assert "Note 4<" not in html


def test_fragment_renders_in_two_queries_for_anonymous_visitors(django_assert_num_queries):
    for number in range(NOTIFICATIONS_SHOWN):
        notification_create(message=f"Note {number}")
    with django_assert_num_queries(2):  # the newest notifications, the unread count
        response = Client().get("/board/notifications")
    assert response.status_code == 200


def test_fragment_renders_in_four_queries_when_logged_in(
    logged_in_client, django_assert_num_queries
):
    for number in range(NOTIFICATIONS_SHOWN):
        notification_create(message=f"Note {number}")
    with django_assert_num_queries(4):  # the session and its user, then the same two
        response = logged_in_client.get("/board/notifications")
    assert b'data-action="mark-read"' in response.content


def test_only_people_logged_in_get_mark_read_buttons(logged_in_client):
    notification_create(message="Reminder")
    assert b"mark-read" not in Client().get("/board/notifications").content
    assert b"mark-read" in logged_in_client.get("/board/notifications").content


def test_a_read_notification_is_not_marked_unread(logged_in_client):
    notification = notification_create(message="Seen it")
    notification_mark_read(notification=notification)
    html = logged_in_client.get("/board/notifications").content.decode()
    assert " data-unread>" not in html and "is-unread" not in html
    assert 'data-unread-count="0"' in html and "mark-read" not in html


def test_a_notification_links_to_its_task_and_says_its_type(make_task):
    task = make_task("Deploy", status="in_progress")
    notification_create(
        task=task, message="Deploy needs attention", notification_type=NotificationType.REMINDER
    )
    html = Client().get("/board/notifications").content.decode()
    assert f'href="#task-{task.pk}"' in html
    assert 'data-type="reminder"' in html


def test_a_hostile_message_is_escaped():
    notification_create(message="<img src=x onerror=alert(1)>")
    html = Client().get("/board/notifications").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_no_notifications_shows_the_empty_state():
    html = Client().get("/board/notifications").content.decode()
    assert '<p id="notifications-empty"' in html and "hidden" not in html.split("</p>")[0]


def test_fragment_has_the_board_policy_and_is_never_cached():
    response = Client().get("/board/notifications")
    assert response.headers["Content-Security-Policy"] == POLICY
    assert response.headers["Cache-Control"] == "no-store"


def test_private_board_refuses_the_fragment_to_anonymous_visitors(settings):
    settings.PUBLIC_READ = False
    response = Client().get("/board/notifications")
    assert response.status_code == 403
