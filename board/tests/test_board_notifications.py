"""The bell's list as server HTML (board/partials/notifications.html), fetched when it changes: a
person's own inbox, or the shared one for anonymous visitors."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from board.selectors import NOTIFICATIONS_SHOWN
from board.tests.board_factories import bulk_boards, member
from boards.access import default_board
from boards.models import Role, Visibility
from notifications.models import NotificationType
from notifications.services import (
    inbox_entry_mark_read,
    notification_create,
    notification_mark_read,
)
from tasks.services import task_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in_client(user) -> Client:
    """alice, an editor of the default board (conftest), so that its notifications reach her."""
    client = Client()
    client.force_login(user)
    return client


def for_alice(message: str, task_name: str = "Deploy"):
    """A notification about a task of the default board, delivered to its editors (alice)."""
    return notification_create(task=task_create(name=task_name), message=message)


def test_fragment_lists_the_newest_notifications_first_with_the_unread_count():
    for number in range(NOTIFICATIONS_SHOWN + 5):
        notification_create(message=f"Note {number}")
    html = Client().get("/board/notifications").content.decode()
    assert html.startswith('<div id="notifications-body" data-unread-count="25"')
    assert html.count("<li ") == NOTIFICATIONS_SHOWN
    assert html.index("Note 24") < html.index("Note 23")
    assert "Note 4<" not in html


def test_fragment_renders_in_four_queries_for_anonymous_visitors(django_assert_num_queries):
    for number in range(NOTIFICATIONS_SHOWN):
        notification_create(message=f"Note {number}")
    # The newest grouped rows, their notifications, their acknowledgements, the unread count.
    with django_assert_num_queries(4):
        response = Client().get("/board/notifications")
    assert response.status_code == 200


def test_fragment_renders_in_six_queries_when_logged_in(
    logged_in_client, django_assert_num_queries
):
    for number in range(NOTIFICATIONS_SHOWN):
        for_alice(f"Note {number}", task_name=f"Task {number}")
    # The session and its user, then her newest inbox rows (grouped), their notifications and
    # acknowledgements, and her unread count.
    with django_assert_num_queries(6):
        response = logged_in_client.get("/board/notifications")
    assert response.content.count(b'data-action="mark-read"') == NOTIFICATIONS_SHOWN


def test_only_people_logged_in_get_mark_read_buttons(logged_in_client):
    for_alice("Reminder")
    assert b"mark-read" not in Client().get("/board/notifications").content
    assert b"mark-read" in logged_in_client.get("/board/notifications").content


def test_a_read_notification_is_not_marked_unread(logged_in_client, user):
    notification = for_alice("Seen it")
    inbox_entry_mark_read(entry=notification.inbox_entries.get(user=user))
    html = logged_in_client.get("/board/notifications").content.decode()
    assert " data-unread>" not in html and "is-unread" not in html
    assert 'data-unread-count="0"' in html and "mark-read" not in html


def test_a_shared_read_notification_is_not_marked_unread_for_anonymous_visitors():
    notification_mark_read(notification=notification_create(message="Seen it"))
    html = Client().get("/board/notifications").content.decode()
    assert "is-unread" not in html and 'data-unread-count="0"' in html


def test_the_bell_of_a_person_shows_their_own_inbox_and_read_state(logged_in_client, user):
    dave = get_user_model().objects.create_user("dave")
    member(dave, default_board(), Role.EDITOR)
    notification = for_alice("Deploy needs attention")
    notification_create(message="Shared inbox only")
    inbox_entry_mark_read(entry=notification.inbox_entries.get(user=user))
    alice_html = logged_in_client.get("/board/notifications").content.decode()
    dave_client = Client()
    dave_client.force_login(dave)
    dave_html = dave_client.get("/board/notifications").content.decode()
    assert 'data-unread-count="0"' in alice_html and "is-unread" not in alice_html
    assert 'data-unread-count="1"' in dave_html and "is-unread" in dave_html
    assert "Shared inbox only" not in alice_html + dave_html


def test_a_notification_of_the_pages_board_opens_its_task_in_place(make_task):
    task = make_task("Deploy", status="in_progress")
    notification_create(
        task=task, message="Deploy needs attention", notification_type=NotificationType.REMINDER
    )
    html = Client().get(f"/board/notifications?board={task.board_id}").content.decode()
    assert f'href="#task-{task.pk}" class="link" data-action="open-task"' in html
    assert 'data-type="reminder"' in html


def test_a_notification_of_another_board_links_to_its_task_there_and_names_the_board(make_task):
    other = bulk_boards(1, visibility=Visibility.PUBLIC)[0]
    task = task_create(name="Elsewhere", board=other)
    notification_create(task=task, message="Elsewhere needs attention")
    html = Client().get(f"/board/notifications?board={default_board().pk}").content.decode()
    assert f'href="/?board={other.pk}#task-{task.pk}" class="link">Open task' in html
    assert f"<span>{other.name}</span>" in html


def test_the_bell_leaves_out_boards_the_viewer_may_not_read():
    private = bulk_boards(1)[0]
    notification_create(task=task_create(name="Secret", board=private), message="Secret one")
    html = Client().get("/board/notifications").content.decode()
    assert "Secret one" not in html and 'data-unread-count="0"' in html


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
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";" and "unsafe" not in policy
    assert response.headers["Cache-Control"] == "no-store"


def test_private_board_refuses_the_fragment_to_anonymous_visitors(settings):
    settings.PUBLIC_READ = False
    response = Client().get("/board/notifications")
    assert response.status_code == 403
