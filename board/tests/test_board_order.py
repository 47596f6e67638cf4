"""The board's drag-and-drop sends `position` as the card's 0-based index in the target column."""

import pytest

from tasks.models import Task, TaskStatus
from tasks.services import task_delete, task_update

pytestmark = pytest.mark.django_db


def column_names(status: str) -> list[str]:
    return list(
        Task.objects.filter(status=status).order_by("position", "id").values_list("name", flat=True)
    )


@pytest.fixture
def todo(make_task):
    return {name: make_task(name) for name in ["A", "B", "C", "D"]}


def test_moving_a_card_down_its_own_column_lands_at_the_index(todo):
    task_update(task=todo["A"], status=TaskStatus.TODO, position=2)
    assert column_names("todo") == ["B", "C", "A", "D"]


def test_moving_a_card_up_its_own_column_lands_at_the_index(todo):
    task_update(task=todo["D"], status=TaskStatus.TODO, position=0)
    assert column_names("todo") == ["D", "A", "B", "C"]


def test_moving_into_a_column_with_gaps_lands_at_the_index(todo, make_task):
    task_delete(task=todo["B"])  # leaves a gap: positions 0, 2, 3
    moved = make_task("New", status=TaskStatus.DONE)
    task_update(task=moved, status=TaskStatus.TODO, position=2)
    assert column_names("todo") == ["A", "C", "New", "D"]


def test_moving_past_the_end_puts_the_card_last(todo, make_task):
    moved = make_task("New", status=TaskStatus.DONE)
    task_update(task=moved, status=TaskStatus.TODO, position=99)
    assert column_names("todo") == ["A", "B", "C", "D", "New"]
