"""Card moves name an anchor (the card to sit before or after) or the column's end; earlier clients'
`position` (an index among the column's other cards) still works."""

import pytest
from django.core.exceptions import ValidationError

from tasks.models import TaskStatus
from tasks.services import task_delete, task_update
from tasks.tests.ordering import column_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def todo(make_task):
    return {name: make_task(name) for name in ["A", "B", "C", "D"]}


def test_moving_a_card_before_another_puts_it_just_above(todo):
    task_update(task=todo["A"], status=TaskStatus.TODO, before=todo["D"].pk)
    assert column_names("todo") == ["B", "C", "A", "D"]


def test_moving_a_card_after_another_puts_it_just_below(todo):
    task_update(task=todo["D"], status=TaskStatus.TODO, after=todo["A"].pk)
    assert column_names("todo") == ["A", "D", "B", "C"]


def test_moving_before_the_first_card_puts_it_at_the_top(todo):
    task_update(task=todo["C"], status=TaskStatus.TODO, before=todo["A"].pk)
    assert column_names("todo") == ["C", "A", "B", "D"]


def test_moving_after_the_last_card_puts_it_at_the_bottom(todo):
    task_update(task=todo["B"], status=TaskStatus.TODO, after=todo["D"].pk)
    assert column_names("todo") == ["A", "C", "D", "B"]


def test_moving_into_another_column_before_a_card(todo, make_task):
    done = make_task("Done 1", status=TaskStatus.DONE), make_task("Done 2", status=TaskStatus.DONE)
    task_update(task=todo["B"], status=TaskStatus.DONE, before=done[1].pk)
    assert column_names("done") == ["Done 1", "B", "Done 2"]
    assert column_names("todo") == ["A", "C", "D"]


def test_moving_to_another_column_without_an_anchor_puts_it_at_the_end(todo, make_task):
    make_task("Done 1", status=TaskStatus.DONE)
    task_update(task=todo["A"], status=TaskStatus.DONE)
    assert column_names("done") == ["Done 1", "A"]


def test_an_anchor_in_another_column_is_refused_and_nothing_moves(todo, make_task):
    elsewhere = make_task("Elsewhere", status=TaskStatus.DONE)
    with pytest.raises(ValidationError) as refused:
        task_update(task=todo["A"], status=TaskStatus.TODO, before=elsewhere.pk)
    assert "is in Done, not in To Do" in str(refused.value)
    assert column_names("todo") == ["A", "B", "C", "D"]


def test_a_position_is_an_index_among_the_other_cards(todo):
    task_update(task=todo["A"], status=TaskStatus.TODO, position=2)
    assert column_names("todo") == ["B", "C", "A", "D"]


def test_a_position_after_a_delete_still_counts_cards(todo, make_task):
    task_delete(task=todo["B"])
    moved = make_task("New", status=TaskStatus.DONE)
    task_update(task=moved, status=TaskStatus.TODO, position=2)
    assert column_names("todo") == ["A", "C", "New", "D"]


def test_a_position_past_the_end_puts_the_card_last(todo, make_task):
    moved = make_task("New", status=TaskStatus.DONE)
    task_update(task=moved, status=TaskStatus.TODO, position=99)
    assert column_names("todo") == ["A", "B", "C", "D", "New"]
