"""POST /notifications/{id}/ack and the signed link: "I'm on it" pauses the task's reminders."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from boards.access import default_board
from boards.models import Membership, Role, Visibility
from boards.services import board_create
from notifications.acknowledgements import ack_link, ack_token
from notifications.models import Acknowledgement, Notification, NotificationType
from reminders.sweep import send_due_reminders
from tasks.models import Task, TaskStatus
from tasks.reminder_pause import task_snooze
from tasks.services import task_create, task_update

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _reminded(name: str = "Nightly backup", *, interval: float = 10, board=None) -> Notification:
    """An in-progress task that got one reminder just now; the reminder."""
    start = timezone.now() - timedelta(minutes=interval)
    task = task_create(
        name=name, status=TaskStatus.IN_PROGRESS, interval_minutes=interval, now=start, board=board
    )
    send_due_reminders(now=timezone.now())
    return Notification.objects.get(task=task, notification_type=NotificationType.REMINDER)


def test_ack_pauses_the_tasks_reminders_for_one_interval(user):
    reminder = _reminded(interval=10)
    before = timezone.now()
    response = _client(user).post(f"/notifications/{reminder.pk}/ack")
    assert response.status_code == 200
    task = Task.objects.get(pk=reminder.task_id)
    assert before + timedelta(minutes=10) <= task.next_reminder_at
    assert task.next_reminder_at <= timezone.now() + timedelta(minutes=10)
    assert task.reminders_paused_until == task.next_reminder_at
    assert response.json()["reminders_paused_until"].startswith(
        task.next_reminder_at.isoformat()[:19]
    )


def test_ack_records_who_and_when(user):
    reminder = _reminded()
    response = _client(user).post(f"/notifications/{reminder.pk}/ack/")
    body = response.json()
    acknowledgement = Acknowledgement.objects.get()
    assert (acknowledgement.user, acknowledgement.actor_name) == (user, "alice")
    assert body["acknowledged_by"] == "alice"
    assert body["notification_id"] == reminder.pk
    assert body["task_id"] == reminder.task_id


def test_an_acknowledged_task_gets_no_reminder_until_the_pause_ends(user):
    reminder = _reminded(interval=10)
    _client(user).post(f"/notifications/{reminder.pk}/ack")
    task = Task.objects.get(pk=reminder.task_id)
    assert send_due_reminders(now=task.next_reminder_at - timedelta(seconds=1)) == 0
    assert send_due_reminders(now=task.next_reminder_at) == 1


def test_ack_writes_the_pause_into_the_tasks_history(user):
    reminder = _reminded()
    _client(user).post(f"/notifications/{reminder.pk}/ack")
    change = Task.objects.get(pk=reminder.task_id).changes.order_by("id").last()
    assert change.actor_name == "alice"
    assert change.changes["reason"] == "acknowledged"


def test_a_viewer_who_is_no_recipient_may_acknowledge(user):
    viewer = get_user_model().objects.create_user("vera")
    Membership.objects.create(board=default_board(), user=viewer, role=Role.VIEWER)
    reminder = _reminded()
    assert _client(viewer).post(f"/notifications/{reminder.pk}/ack").status_code == 200


def test_a_bot_may_acknowledge_with_its_token(user):
    owner = get_user_model().objects.create_user("olivia")
    board = board_create(name="Ops", visibility=Visibility.PRIVATE, actor=owner)
    reminder = _reminded(board=board)
    created = _client(owner).post(f"/boards/{board.pk}/bots/", {"name": "ci-bot", "role": "viewer"})
    bot = APIClient()
    bot.credentials(HTTP_AUTHORIZATION="Bearer " + created.json()["token"])
    response = bot.post(f"/notifications/{reminder.pk}/ack")
    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == "ci-bot"


def test_the_static_token_may_acknowledge(token_client, db):
    reminder = _reminded()
    response = token_client.post(f"/notifications/{reminder.pk}/ack")
    assert response.status_code == 200
    assert Acknowledgement.objects.get().actor_name == "api-token"


def test_ack_of_a_board_you_may_not_read_is_a_404(user):
    owner = get_user_model().objects.create_user("olivia")
    board = board_create(name="Ops", visibility=Visibility.PRIVATE, actor=owner)
    reminder = _reminded(board=board)
    response = _client(user).post(f"/notifications/{reminder.pk}/ack")
    assert response.status_code == 404
    assert not Acknowledgement.objects.exists()


def test_anonymous_ack_is_a_401(db):
    reminder = _reminded()
    assert APIClient().post(f"/notifications/{reminder.pk}/ack").status_code == 401


def test_a_completion_cannot_be_acknowledged(user):
    task = task_create(name="Report", status=TaskStatus.DONE)
    completion = Notification.objects.get(task=task)
    response = _client(user).post(f"/notifications/{completion.pk}/ack")
    assert response.status_code == 400
    assert "Only reminders and escalations" in response.json()["notification_type"][0]


def test_ack_of_a_task_no_longer_in_progress_pauses_nothing(user):
    reminder = _reminded()
    task_update(task=Task.objects.get(pk=reminder.task_id), status=TaskStatus.DONE)
    response = _client(user).post(f"/notifications/{reminder.pk}/ack")
    assert response.status_code == 200
    assert response.json()["reminders_paused_until"] is None


def test_moving_the_task_on_ends_the_pause(user):
    reminder = _reminded()
    _client(user).post(f"/notifications/{reminder.pk}/ack")
    task = Task.objects.get(pk=reminder.task_id)
    task_update(task=task, status=TaskStatus.TODO)
    task = task_update(task=task, status=TaskStatus.IN_PROGRESS)
    assert task.reminders_paused_until is None
    assert task.next_reminder_at == task.last_ping + task.interval


def test_ack_answers_get_with_405(user):
    reminder = _reminded()
    response = _client(user).get(f"/notifications/{reminder.pk}/ack")
    assert response.status_code == 405


# --- The signed link -----------------------------------------------------------------------------


def test_the_signed_link_shows_a_confirmation_page_without_login(user, client):
    reminder = _reminded()
    response = client.get(ack_link(notification=reminder, user=user))
    assert response.status_code == 200
    assert b"I&#x27;m on it" in response.content or b"I'm on it" in response.content
    assert not Acknowledgement.objects.exists()  # a GET (a mail scanner's prefetch) changes nothing


def test_posting_the_signed_link_acknowledges_as_its_person(user, client):
    reminder = _reminded()
    link = ack_link(notification=reminder, user=user)
    response = client.post(link, {"token": ack_token(notification=reminder, user=user)})
    assert response.status_code == 200
    assert b"Acknowledged" in response.content
    assert Acknowledgement.objects.get().user == user
    assert Task.objects.get(pk=reminder.task_id).reminders_paused_until is not None


def test_the_link_builder_makes_absolute_links():
    class Stub:
        pk = 7

    link = ack_link(notification=Stub(), user=Stub(), base_url="https://tracker.example.com/")
    assert link.startswith("https://tracker.example.com/notifications/7/ack?token=")


def test_a_forged_token_is_refused(user, client):
    reminder = _reminded()
    response = client.post(f"/notifications/{reminder.pk}/ack", {"token": "forged"})
    assert response.status_code == 400
    assert not Acknowledgement.objects.exists()


def test_a_token_for_another_notification_is_refused(user, client):
    first, second = _reminded("one"), _reminded("two")
    token = ack_token(notification=first, user=user)
    response = client.get(f"/notifications/{second.pk}/ack", {"token": token})
    assert response.status_code == 400


def test_an_expired_link_is_refused(user, client, monkeypatch):
    reminder = _reminded()
    token = ack_token(notification=reminder, user=user)
    monkeypatch.setattr(signing, "time", type("Later", (), {"time": lambda: 9e12}))
    assert client.get(f"/notifications/{reminder.pk}/ack", {"token": token}).status_code == 400


def test_a_link_stops_working_when_its_person_leaves_the_board(user, client, settings):
    settings.PUBLIC_READ = False
    reminder = _reminded()
    token = ack_token(notification=reminder, user=user)
    Membership.objects.filter(user=user).delete()
    response = client.post(f"/notifications/{reminder.pk}/ack", {"token": token})
    assert response.status_code == 400
    assert not Acknowledgement.objects.exists()


def test_the_signed_pages_form_works_with_csrf_checks_on(user):
    browser = Client(enforce_csrf_checks=True)
    reminder = _reminded()
    link = ack_link(notification=reminder, user=user)
    page = browser.get(link)
    csrf = page.cookies["csrftoken"].value
    refused = browser.post(link, {"token": ack_token(notification=reminder, user=user)})
    assert refused.status_code == 403
    response = browser.post(
        link,
        {"token": ack_token(notification=reminder, user=user), "csrfmiddlewaretoken": csrf},
    )
    assert response.status_code == 200
    assert Acknowledgement.objects.get().user == user


def test_an_ack_does_not_cut_a_longer_snooze_short(user):
    reminder = _reminded(interval=10)
    snoozed = task_snooze(task=Task.objects.get(pk=reminder.task_id), minutes=120)
    response = _client(user).post(f"/notifications/{reminder.pk}/ack")
    assert response.status_code == 200
    task = Task.objects.get(pk=reminder.task_id)
    assert task.reminders_paused_until == snoozed.reminders_paused_until
