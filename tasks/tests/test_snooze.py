"""POST /tasks/{id}/snooze: a task's reminders wait the given minutes; moving it on ends that."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from boards.access import default_board
from boards.models import Membership, Role
from reminders.sweep import send_due_reminders
from tasks.models import Task, TaskStatus
from tasks.services import task_create, task_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _in_progress(interval: float = 10) -> Task:
    return task_create(
        name="Nightly backup", status=TaskStatus.IN_PROGRESS, interval_minutes=interval
    )


def test_snooze_holds_the_reminders_for_the_minutes_given(editor_client):
    task = _in_progress(interval=10)
    before = timezone.now()
    response = editor_client.post(f"/tasks/{task.pk}/snooze", {"minutes": 60}, format="json")
    assert response.status_code == 200
    task.refresh_from_db()
    assert before + timedelta(minutes=60) <= task.next_reminder_at
    assert task.next_reminder_at <= timezone.now() + timedelta(minutes=60)
    assert response.json()["task_id"] == task.pk
    assert response.json()["reminders_paused_until"] is not None


def test_a_snoozed_task_is_not_reminded_until_the_snooze_ends(editor_client):
    task = _in_progress(interval=10)
    editor_client.post(f"/tasks/{task.pk}/snooze/", {"minutes": 60}, format="json")
    assert send_due_reminders(now=timezone.now() + timedelta(minutes=59)) == 0
    assert send_due_reminders(now=timezone.now() + timedelta(minutes=61)) == 1


def test_a_snooze_never_brings_a_reminder_forward(editor_client):
    task = _in_progress(interval=120)
    editor_client.post(f"/tasks/{task.pk}/snooze", {"minutes": 5}, format="json")
    task.refresh_from_db()
    assert task.next_reminder_at == task.last_ping + timedelta(minutes=120)


def test_after_the_snooze_reminders_keep_their_interval(editor_client):
    task = _in_progress(interval=10)
    editor_client.post(f"/tasks/{task.pk}/snooze", {"minutes": 60}, format="json")
    fired = timezone.now() + timedelta(minutes=61)
    send_due_reminders(now=fired)
    task.refresh_from_db()
    assert task.next_reminder_at == fired + timedelta(minutes=10)


def test_moving_the_task_on_stops_the_snoozed_reminders(editor_client):
    task = _in_progress()
    editor_client.post(f"/tasks/{task.pk}/snooze", {"minutes": 60}, format="json")
    task = task_update(task=task, status=TaskStatus.DONE)
    assert (task.next_reminder_at, task.reminders_paused_until) == (None, None)


@pytest.mark.parametrize("minutes", [0, -5, 43_201, "soon", None, 1.5])
def test_minutes_out_of_bounds_or_not_a_whole_number_is_a_400(editor_client, minutes):
    task = _in_progress()
    response = editor_client.post(f"/tasks/{task.pk}/snooze", {"minutes": minutes}, format="json")
    assert response.status_code == 400
    assert "minutes" in response.json()
    task.refresh_from_db()
    assert task.reminders_paused_until is None


def test_minutes_missing_is_a_400(editor_client):
    task = _in_progress()
    response = editor_client.post(f"/tasks/{task.pk}/snooze", {}, format="json")
    assert response.status_code == 400


def test_the_bounds_message_says_what_is_allowed(editor_client):
    task = _in_progress()
    response = editor_client.post(f"/tasks/{task.pk}/snooze", {"minutes": 0}, format="json")
    assert response.json() == {"minutes": ["Snooze for 1 to 43200 minutes (30 days)."]}


def test_a_task_not_in_progress_cannot_be_snoozed(editor_client):
    task = task_create(name="Later", status=TaskStatus.TODO)
    response = editor_client.post(f"/tasks/{task.pk}/snooze", {"minutes": 60}, format="json")
    assert response.status_code == 400
    assert "only a task in progress" in response.json()["status"][0]


def test_a_viewer_may_not_snooze(db):
    viewer = get_user_model().objects.create_user("vera")
    Membership.objects.create(board=default_board(), user=viewer, role=Role.VIEWER)
    client = APIClient()
    client.force_authenticate(viewer)
    task = _in_progress()
    response = client.post(f"/tasks/{task.pk}/snooze", {"minutes": 60}, format="json")
    assert response.status_code == 403


def test_anonymous_snooze_is_a_401(db):
    task = _in_progress()
    response = APIClient().post(f"/tasks/{task.pk}/snooze", {"minutes": 60}, format="json")
    assert response.status_code == 401


def test_snoozing_an_unknown_task_is_a_404(editor_client):
    response = editor_client.post("/tasks/999999/snooze", {"minutes": 60}, format="json")
    assert response.status_code == 404


def test_the_snooze_is_in_the_tasks_history(editor_client):
    task = _in_progress()
    editor_client.post(f"/tasks/{task.pk}/snooze", {"minutes": 60}, format="json")
    change = task.changes.order_by("id").last()
    assert (change.actor_name, change.changes["reason"]) == ("alice", "snoozed")
