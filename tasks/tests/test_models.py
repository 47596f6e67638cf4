import math
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from boards.access import default_board
from tasks.models import MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, Task

pytestmark = pytest.mark.django_db


def test_defaults_are_todo_every_hour_with_no_reminder():
    task = Task(name="Backup", board=default_board())
    task.full_clean()
    assert task.status == "todo"
    assert task.interval_minutes == 60.0
    assert task.next_reminder_at is None


PING = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


def test_a_ping_in_progress_schedules_the_reminder_one_interval_later():
    task = Task(name="Run", status="in_progress", interval_minutes=15)
    task.ping(PING)
    assert (task.last_ping, task.next_reminder_at) == (PING, PING + timedelta(minutes=15))


@pytest.mark.parametrize("status", ["todo", "done"])
def test_a_ping_outside_in_progress_schedules_nothing(status):
    task = Task(name="Idle", status=status, next_reminder_at=PING)
    task.ping(PING)
    assert (task.last_ping, task.next_reminder_at) == (PING, None)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_name_must_be_1_to_200_visible_characters(name):
    with pytest.raises(ValidationError) as error:
        Task(name=name).full_clean(exclude=["board"])
    assert "name" in error.value.message_dict


def test_description_is_limited_to_10000_characters():
    Task(name="ok", description="d" * 10_000).full_clean(exclude=["board"])
    with pytest.raises(ValidationError) as error:
        Task(name="ok", description="d" * 10_001).full_clean(exclude=["board"])
    assert "description" in error.value.message_dict


@pytest.mark.parametrize(
    "interval", [0, -1, 1e-9, 0.0166, MAX_INTERVAL_MINUTES + 1, math.nan, math.inf]
)
def test_interval_must_be_at_least_a_second_and_at_most_a_year(interval):
    with pytest.raises(ValidationError) as error:
        Task(name="ok", interval_minutes=interval).full_clean(exclude=["board"])
    assert "interval_minutes" in error.value.message_dict


def test_interval_of_exactly_one_year_is_allowed():
    Task(name="ok", interval_minutes=MAX_INTERVAL_MINUTES).full_clean(exclude=["board"])


def test_interval_of_exactly_one_second_is_allowed():
    Task(name="ok", interval_minutes=MIN_INTERVAL_MINUTES).full_clean(exclude=["board"])


def test_the_interval_message_says_the_floor_in_plain_words():
    with pytest.raises(ValidationError) as error:
        Task(name="ok", interval_minutes=1e-9).full_clean(exclude=["board"])
    assert "at least one second" in error.value.message_dict["interval_minutes"][0]


def test_database_refuses_an_interval_below_one_second_even_past_validation(make_task):
    task = make_task()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(interval_minutes=1e-9)


def test_unknown_status_is_rejected_by_validation():
    with pytest.raises(ValidationError) as error:
        Task(name="ok", status="later").full_clean(exclude=["board"])
    assert "status" in error.value.message_dict


def test_database_refuses_an_unknown_status_even_past_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(name="ok", status="later")


def test_database_refuses_a_reminder_on_a_task_not_in_progress(make_task):
    task = make_task()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(next_reminder_at=task.last_ping)
