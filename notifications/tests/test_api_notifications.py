"""/notifications/, /notifications/unread-count, /notifications/{id}/read, /notifications/read-all."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boards.access import default_board
from notifications.models import Notification, NotificationType
from notifications.services import notification_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_notification(db):
    start = timezone.now()

    def make(message: str = "Hello", *, minutes_ago: int = 0, **fields) -> Notification:
        return notification_create(
            message=message, now=start - timedelta(minutes=minutes_ago), **fields
        )

    return make


# --- list ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/notifications", "/notifications/"])
def test_list_is_a_bare_array_newest_first(anon_client, make_notification, path):
    make_notification("old", minutes_ago=10)
    make_notification("new", minutes_ago=1)
    response = anon_client.get(path)
    assert response.status_code == 200
    assert [row["message"] for row in response.json()] == ["new", "old"]


def test_list_shows_the_original_fields(anon_client, make_task):
    task = make_task("Report", status="done")
    row = anon_client.get("/notifications/").json()[0]
    assert row == {
        "id": row["id"],
        "board": task.board_id,  # not the original's: which board it is on
        "task_id": task.pk,
        "task_name": "Report",
        "message": "Task 'Report' has been completed!",
        "notification_type": "completion",
        "is_read": False,
        "created_at": row["created_at"],
    }


def test_list_returns_50_by_default_with_total_and_next_link(anon_client):
    board = default_board()
    Notification.objects.bulk_create(Notification(board=board, message=f"n{n}") for n in range(55))
    response = anon_client.get("/notifications/")
    assert len(response.json()) == 50
    assert response["X-Total-Count"] == "55"
    assert 'offset=50>; rel="next"' in response["Link"]


def test_limit_and_offset_page_the_list(anon_client, make_notification):
    for n in range(5):
        make_notification(f"n{n}", minutes_ago=n)
    response = anon_client.get("/notifications/?limit=2&offset=1")
    assert [row["message"] for row in response.json()] == ["n1", "n2"]


def test_unread_only_leaves_out_read_ones(anon_client, make_notification):
    make_notification("unread")
    Notification.objects.filter(pk=make_notification("read").pk).update(is_read=True)
    response = anon_client.get("/notifications/?unread_only=true")
    assert [row["message"] for row in response.json()] == ["unread"]


def test_list_filters_by_task_and_type(anon_client, make_task, make_notification):
    task = make_task("Report", status="done")
    make_notification("system note")
    response = anon_client.get(f"/notifications/?task={task.pk}&type=completion")
    assert [row["task_id"] for row in response.json()] == [task.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [("type=urgent", "type"), ("task=abc", "task"), ("unread_only=maybe", "unread_only")],
)
def test_bad_filters_are_400_naming_the_parameter(anon_client, query, field):
    response = anon_client.get(f"/notifications/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_type_lists_allowed_values(anon_client):
    response = anon_client.get("/notifications/?type=urgent")
    assert "Allowed values: reminder, completion, escalation, system" in response.json()["type"][0]


@pytest.mark.parametrize("count", [3, 30])
def test_list_takes_two_queries_whatever_the_number_of_rows(
    anon_client, make_task, django_assert_num_queries, count
):
    for n in range(count):
        make_task(f"Task {n}", status="done")
    with django_assert_num_queries(2):  # the total count and the page
        assert len(anon_client.get("/notifications/?unread_only=true").json()) == count


# --- unread count -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/notifications/unread-count", "/notifications/unread-count/"])
def test_unread_count_counts_unread_in_one_query(
    anon_client, make_notification, django_assert_num_queries, path
):
    make_notification("a"), make_notification("b")
    Notification.objects.filter(pk=make_notification("c").pk).update(is_read=True)
    with django_assert_num_queries(1):
        response = anon_client.get(path)
    assert response.json() == {"unread_count": 2}


# --- mark one read ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_mark_read_answers_what_changed(token_client, make_notification, suffix):
    notification = make_notification()
    response = token_client.patch(f"/notifications/{notification.pk}/read{suffix}")
    assert response.status_code == 200
    assert response.json() == {
        "message": "Notification marked as read",
        "notification_id": notification.pk,
    }
    notification.refresh_from_db()
    assert notification.is_read


def test_mark_read_twice_is_harmless(token_client, make_notification):
    notification = make_notification()
    token_client.patch(f"/notifications/{notification.pk}/read")
    assert token_client.patch(f"/notifications/{notification.pk}/read").status_code == 200


@pytest.mark.parametrize("notification_id", ["999", "abc", "1.5"])
def test_mark_read_of_unknown_or_malformed_id_is_404(token_client, notification_id):
    response = token_client.patch(f"/notifications/{notification_id}/read")
    assert response.status_code == 404
    assert response.json() == {"detail": "Notification not found"}


def test_mark_read_needs_credentials(anon_client, make_notification):
    notification = make_notification()
    response = anon_client.patch(f"/notifications/{notification.pk}/read")
    assert response.status_code == 401
    notification.refresh_from_db()
    assert not notification.is_read


def test_get_on_mark_read_is_405(token_client, make_notification):
    response = token_client.get(f"/notifications/{make_notification().pk}/read")
    assert response.status_code == 405
    assert "PATCH" in response.json()["detail"]


# --- mark all read ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/notifications/read-all", "/notifications/read-all/"])
def test_read_all_counts_what_it_marked(token_client, make_notification, path):
    make_notification("a"), make_notification("b")
    Notification.objects.filter(pk=make_notification("c").pk).update(is_read=True)
    response = token_client.post(path)
    assert response.json() == {"message": "2 notifications marked as read", "count": 2}
    assert not Notification.objects.filter(is_read=False).exists()


def test_read_all_needs_credentials(anon_client, make_notification):
    make_notification()
    assert anon_client.post("/notifications/read-all").status_code == 401
    assert Notification.objects.filter(is_read=False).count() == 1


def test_notification_type_choices_match_the_filter(anon_client, make_notification):
    make_notification("r", notification_type=NotificationType.REMINDER)
    response = anon_client.get("/notifications/?type=reminder")
    assert [row["notification_type"] for row in response.json()] == ["reminder"]
