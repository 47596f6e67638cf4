"""Notifications reach people: a task's assignees, or its board's owners and editors when nobody is
assigned; each recipient reads their own copy. The shared inbox stays for anonymous readers and the
static token, with the original's shared read flag."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from boards.access import default_board
from boards.models import Board, Membership, Role, Visibility
from notifications.models import InboxEntry, Notification
from reminders.sweep import send_due_reminders
from tasks.services import task_create, task_update

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def person(username: str, role: str, board: Board | None = None):
    user = get_user_model().objects.create_user(username, password=f"{username}-password-1")
    Membership.objects.create(board=board or default_board(), user=user, role=role)
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def team():
    return {
        "owner": person("olga", Role.OWNER),
        "editor": person("ed", Role.EDITOR),
        "viewer": person("vera", Role.VIEWER),
    }


def inbox_of(user) -> list[str]:
    return list(
        InboxEntry.objects.filter(user=user).values_list("notification__message", flat=True)
    )


def test_a_completion_goes_to_the_assignees_only(team):
    task = task_create(name="Deploy", assignees=["vera"])
    task_update(task=task, status="done")
    assert inbox_of(team["viewer"]) == ["Task 'Deploy' has been completed!"]
    assert inbox_of(team["owner"]) == inbox_of(team["editor"]) == []


def test_without_assignees_it_goes_to_the_boards_owners_and_editors(team):
    task_create(name="Deploy", status="done")
    assert len(inbox_of(team["owner"])) == len(inbox_of(team["editor"])) == 1
    assert inbox_of(team["viewer"]) == []


def test_reminders_reach_the_same_recipients(team):
    task_create(name="Assigned", status="in_progress", interval_minutes=1, assignees=["ed"], now=T0)
    task_create(name="Unassigned", status="in_progress", interval_minutes=1, now=T0)
    assert send_due_reminders(now=T0 + timedelta(minutes=2)) == 2

    def reminded(user) -> list[str]:
        entries = InboxEntry.objects.filter(user=user, notification__notification_type="reminder")
        return sorted(entries.values_list("notification__task_name", flat=True))

    assert reminded(team["editor"]) == ["Assigned", "Unassigned"]
    assert reminded(team["owner"]) == ["Unassigned"]
    assert reminded(team["viewer"]) == []


@pytest.mark.parametrize("due_count", [1, 40])
def test_a_reminder_batch_with_recipients_costs_the_same_queries(
    team, due_count, django_assert_num_queries
):
    for number in range(due_count):
        assignees = ["vera"] if number % 2 else []
        task_create(
            name=f"T{number}", status="in_progress", interval_minutes=1, assignees=assignees, now=T0
        )
    # exists; savepoint, claim, insert reminders, assignees, board members, insert inbox entries,
    # the recipients' channels and the boards' webhooks (the outbox; none here, so no delivery
    # insert), reschedule, release; the due-date reminders' two reads (reminders.due); the boards
    # that escalate (reminders.escalation); the record of the pass.
    with django_assert_num_queries(15):
        assert send_due_reminders(now=T0 + timedelta(minutes=2), batch_size=100) == due_count
    expected = {"olga": due_count // 2 + due_count % 2, "ed": due_count // 2 + due_count % 2}
    expected["vera"] = due_count // 2
    counts = {user.username: len(inbox_of(user)) for user in team.values()}
    assert counts == {"olga": expected["olga"], "ed": expected["ed"], "vera": expected["vera"]}


def test_each_person_has_their_own_read_state(team):
    task_create(name="Deploy", status="done")
    olga, ed = client_for(team["owner"]), client_for(team["editor"])
    notification_id = olga.get("/notifications/").json()[0]["id"]
    assert olga.patch(f"/notifications/{notification_id}/read").status_code == 200
    assert olga.get("/notifications/unread-count").json() == {"unread_count": 0}
    assert ed.get("/notifications/unread-count").json() == {"unread_count": 1}
    assert ed.get("/notifications/").json()[0]["is_read"] is False
    # The shared inbox (the original's clients) is untouched by a person's reading.
    assert APIClient().get("/notifications/unread-count").json() == {"unread_count": 1}


def test_mark_all_read_marks_only_my_inbox(team):
    task_create(name="One", status="done")
    task_create(name="Two", status="done")
    response = client_for(team["editor"]).post("/notifications/read-all")
    assert response.json()["count"] == 2
    assert client_for(team["owner"]).get("/notifications/unread-count").json()["unread_count"] == 2
    assert Notification.objects.filter(is_read=False).count() == 2


def test_reading_a_notification_not_in_my_inbox_is_a_404(team):
    task_create(name="Deploy", status="done")  # to olga and ed, not vera
    notification = Notification.objects.get()
    response = client_for(team["viewer"]).patch(f"/notifications/{notification.pk}/read")
    assert response.status_code == 404
    assert not InboxEntry.objects.filter(read_at__isnull=False).exists()


def test_the_shared_inbox_keeps_the_originals_shared_flag(anon_client, token_client, team):
    task_create(name="Deploy", status="done")
    notification_id = anon_client.get("/notifications/").json()[0]["id"]
    assert token_client.patch(f"/notifications/{notification_id}/read").status_code == 200
    assert anon_client.get("/notifications/unread-count").json() == {"unread_count": 0}
    # People keep their own state.
    assert client_for(team["editor"]).get("/notifications/unread-count").json()["unread_count"] == 1


def test_notifications_of_a_private_board_stay_out_of_the_shared_public_inbox(anon_client, team):
    secret = Board.objects.create(name="Ops", visibility=Visibility.PRIVATE)
    task_create(name="Secret", status="done", board=secret)
    task_create(name="Public", status="done")
    assert [row["task_name"] for row in anon_client.get("/notifications/").json()] == ["Public"]
    assert anon_client.get("/notifications/unread-count").json() == {"unread_count": 1}
    hidden = Notification.objects.get(task_name="Secret")
    assert anon_client.patch(f"/notifications/{hidden.pk}/read").status_code == 401
