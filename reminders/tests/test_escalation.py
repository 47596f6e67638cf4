"""Escalation: after a board's N unanswered reminders of a task, its owners get one escalation."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from boards.access import default_board
from boards.models import Board, Membership, Role
from notifications.acknowledgements import notification_acknowledge
from notifications.models import InboxEntry, Notification, NotificationType
from reminders.sweep import send_due_reminders
from reminders.tests.reminder_factories import make_due_tasks
from reminders.tests.reminder_processes import Process, django_env
from tasks.models import Task, TaskStatus
from tasks.reminder_pause import task_snooze
from tasks.services import task_create, task_update

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
INTERVAL = 10


def _after(reminders: int) -> datetime:
    """When the `reminders`-th reminder of a task started at T0 falls due."""
    return T0 + timedelta(minutes=INTERVAL * reminders)


def _sweep(first: int, last: int) -> None:
    for number in range(first, last + 1):
        assert send_due_reminders(now=_after(number)) >= 1


def _escalations(task=None) -> list[Notification]:
    found = Notification.objects.filter(notification_type=NotificationType.ESCALATION)
    return list(found.filter(task=task) if task else found)


@pytest.fixture
def owner(db):
    olivia = get_user_model().objects.create_user("olivia")
    Membership.objects.create(board=default_board(), user=olivia, role=Role.OWNER)
    return olivia


@pytest.fixture
def escalating_board(owner) -> Board:
    board = default_board()
    Board.objects.filter(pk=board.pk).update(escalate_after_reminders=3)
    return board


def _task(**fields) -> Task:
    return task_create(
        name="Nightly backup",
        status=TaskStatus.IN_PROGRESS,
        interval_minutes=INTERVAL,
        now=T0,
        **fields,
    )


@pytest.mark.django_db
def test_the_nth_unanswered_reminder_escalates_to_the_boards_owners(escalating_board, owner):
    task = _task()
    _sweep(1, 2)
    assert _escalations() == []
    _sweep(3, 3)
    [escalation] = _escalations(task)
    assert "got 3 reminders with no answer" in escalation.message
    assert list(
        InboxEntry.objects.filter(notification=escalation).values_list("user", flat=True)
    ) == [owner.pk]


@pytest.mark.django_db
def test_a_task_escalates_once_however_many_reminders_follow(escalating_board):
    task = _task()
    _sweep(1, 8)
    assert len(_escalations(task)) == 1


@pytest.mark.django_db
def test_n_zero_never_escalates(owner):
    _task()
    _sweep(1, 6)
    assert _escalations() == []


@pytest.mark.django_db
def test_an_acknowledgement_restarts_the_count(escalating_board, owner):
    task = _task()
    _sweep(1, 2)
    reminder = Notification.objects.filter(task=task).first()
    notification_acknowledge(notification=reminder, actor=owner, now=_after(2))
    # The pause is one interval from the acknowledgement: the next reminder is the 4th slot.
    _sweep(3, 4)
    assert _escalations() == []
    _sweep(5, 5)
    assert len(_escalations(task)) == 1


@pytest.mark.django_db
def test_a_snooze_restarts_the_count(escalating_board, owner):
    task = _task()
    _sweep(1, 2)
    task_snooze(task=task, minutes=1, now=_after(2))
    _sweep(3, 4)
    assert _escalations() == []


@pytest.mark.django_db
def test_a_status_change_restarts_the_count(escalating_board):
    task = _task()
    _sweep(1, 2)
    task_update(task=task, status=TaskStatus.TODO, now=_after(2))
    task_update(task=task, status=TaskStatus.IN_PROGRESS, now=_after(2))
    _sweep(3, 4)
    assert _escalations() == []
    _sweep(5, 5)
    assert len(_escalations(task)) == 1


@pytest.mark.django_db
def test_a_new_run_of_unanswered_reminders_escalates_again(escalating_board, owner):
    task = _task()
    _sweep(1, 3)
    notification_acknowledge(
        notification=Notification.objects.filter(task=task).first(), actor=owner, now=_after(3)
    )
    _sweep(5, 7)
    assert len(_escalations(task)) == 2


@pytest.mark.django_db
def test_each_board_counts_to_its_own_n(owner):
    other = Board.objects.create(name="Ops", escalate_after_reminders=1)
    Membership.objects.create(board=other, user=owner, role=Role.OWNER)
    Board.objects.filter(pk=default_board().pk).update(escalate_after_reminders=2)
    on_main, on_ops = _task(), _task(board=other)
    _sweep(1, 1)
    assert [e.task_id for e in _escalations()] == [on_ops.pk]
    _sweep(2, 2)
    assert sorted(e.task_id for e in _escalations()) == sorted([on_main.pk, on_ops.pk])


@pytest.mark.django_db
def test_a_batch_with_escalations_costs_the_same_queries_whatever_the_count(
    escalating_board, django_assert_num_queries
):
    for count in (1, 40):
        Notification.objects.all().delete()
        Task.objects.all().delete()
        make_due_tasks(count, due_at=T0)
        Task.objects.update(unanswered_reminders=2)
        # 10 for the batch (test_a_batch_costs_the_same_queries_whatever_the_count), the
        # reminders' inbox entries (the owner gets them), and the escalations: their insert, the
        # owners, their inbox entries; the recipients' channels of the reminders and of the
        # escalations and the boards' webhooks of both (the outbox: none here); and the due-date
        # reminders' two reads.
        with django_assert_num_queries(20):
            assert send_due_reminders(now=T0, batch_size=100) == count
        assert len(_escalations()) == count


# --- The board setting ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_owners_set_n_with_patch(owner):
    client = APIClient()
    client.force_authenticate(owner)
    response = client.patch(
        f"/boards/{default_board().pk}", {"escalate_after_reminders": 5}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["escalate_after_reminders"] == 5
    assert Board.objects.get(pk=default_board().pk).escalate_after_reminders == 5


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-1, 1001, "often", None])
def test_n_out_of_bounds_is_a_400(owner, value):
    client = APIClient()
    client.force_authenticate(owner)
    response = client.patch(
        f"/boards/{default_board().pk}", {"escalate_after_reminders": value}, format="json"
    )
    assert response.status_code == 400
    assert "escalate_after_reminders" in response.json()


@pytest.mark.django_db
def test_an_editor_may_not_set_n(user):
    client = APIClient()
    client.force_authenticate(user)
    response = client.patch(
        f"/boards/{default_board().pk}", {"escalate_after_reminders": 5}, format="json"
    )
    assert response.status_code == 403


# --- Several sweepers as real processes ---------------------------------------------------------

ROUNDS = 5
ROUND_SWEEPER = f"""
import sys, django
from datetime import datetime, timedelta
django.setup()
from reminders.sweep import send_due_reminders
start = datetime.fromisoformat(sys.argv[1])
print("ready", flush=True)
for number in range({ROUNDS}):
    sys.stdin.readline()
    sent = send_due_reminders(now=start + timedelta(minutes=number), batch_size=20)
    print("round", number, "sent", sent, flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweepers_escalate_each_task_exactly_once(owner):
    # Four sweepers sweep the same tasks round after round; each round is one reminder per task.
    Board.objects.filter(pk=default_board().pk).update(escalate_after_reminders=3)
    start = datetime.now(UTC).replace(microsecond=0)
    task_ids = make_due_tasks(300, due_at=start, interval=1)
    sweepers = [Process(["-c", ROUND_SWEEPER, start.isoformat()], django_env()) for _ in range(4)]
    try:
        for sweeper in sweepers:
            sweeper.wait_for("ready")
        for number in range(ROUNDS):
            for sweeper in sweepers:
                sweeper.send("go\n")
            sent = [
                int(sweeper.wait_for(f"round {number} sent").split()[-1]) for sweeper in sweepers
            ]
            assert sum(sent) == 300, (number, sent)
        for sweeper in sweepers:
            assert sweeper.finish() == 0, sweeper.output()
    finally:
        for sweeper in sweepers:
            sweeper.kill()
    escalated = list(
        Notification.objects.filter(notification_type=NotificationType.ESCALATION).values_list(
            "task_id", flat=True
        )
    )
    assert sorted(escalated) == sorted(task_ids)
    assert set(Task.objects.values_list("unanswered_reminders", flat=True)) == {ROUNDS}


@pytest.mark.django_db
def test_a_new_board_may_name_its_n(owner):
    client = APIClient()
    client.force_authenticate(owner)
    response = client.post(
        "/boards/", {"name": "Ops", "escalate_after_reminders": 2}, format="json"
    )
    assert response.status_code == 201
    assert Board.objects.get(pk=response.json()["id"]).escalate_after_reminders == 2
