"""The order of cards in a column (tasks.services): one row written per move, respacing when dense."""

import pytest
from django.core.exceptions import ValidationError

from tasks import ranks, services
from tasks.models import Task, TaskStatus
from tasks.services import column_respace, task_create, task_update
from tasks.tests.ordering import column_names

pytestmark = pytest.mark.django_db


def ranks_of(status: str) -> list[str]:
    return list(Task.objects.filter(status=status).order_by("rank").values_list("rank", flat=True))


def test_a_move_between_two_cards_writes_only_the_moved_card():
    a, b, c = (task_create(name=name) for name in "abc")
    before = {task.pk: task.rank for task in (a, b)}
    task_update(task=c, status=TaskStatus.TODO, before=b.pk)
    assert column_names("todo") == ["a", "c", "b"]
    assert {pk: Task.objects.get(pk=pk).rank for pk in before} == before


def test_inserting_at_both_ends_and_between():
    middle = task_create(name="middle")
    task_create(name="top", before=middle.pk)
    task_create(name="bottom", after=middle.pk)
    task_create(name="just below top", position=1)
    assert column_names("todo") == ["top", "just below top", "middle", "bottom"]


def test_moving_a_card_next_to_itself_is_refused():
    task = task_create(name="Alone")
    with pytest.raises(ValidationError, match="next to itself"):
        task_update(task=task, after=task.pk)


def test_a_missing_anchor_is_refused():
    task = task_create(name="Card")
    with pytest.raises(
        ValidationError, match="There is no task 999 on this board to place the card before"
    ):
        task_update(task=task, before=999)


def test_two_places_at_once_are_refused():
    a, b = task_create(name="a"), task_create(name="b")
    with pytest.raises(ValidationError, match="Give one of before, after and position"):
        task_update(task=a, before=b.pk, after=b.pk)


def test_a_gap_filled_again_and_again_gets_its_column_respaced_after_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    # A low threshold, reached after a few dozen inserts into one gap (the real one takes ~150).
    monkeypatch.setattr(ranks, "RESPACE_LENGTH", 12)
    top = task_create(name="top")
    task_create(name="bottom")
    moved = [task_create(name="x", status=TaskStatus.DONE) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        # Always right below the top card: the gap there halves each time, the ranks grow.
        for round_number in range(80):
            task = moved[round_number % 3]
            task_update(task=task, status=TaskStatus.TODO, after=top.pk)
    assert max(len(rank) for rank in ranks_of("todo")) <= ranks.RESPACE_LENGTH
    names = column_names("todo")
    assert (names[0], names[-1], len(names)) == ("top", "bottom", 5)
    assert Task.objects.get(pk=moved[79 % 3].pk).rank == ranks_of("todo")[1]  # the last one moved


def test_respacing_keeps_the_order_and_gives_short_ranks():
    tasks = [task_create(name=f"card {n}") for n in range(5)]
    Task.objects.filter(pk=tasks[2].pk).update(rank=tasks[1].rank + "V" * 40)  # dense on purpose
    order = column_names("todo")
    assert column_respace(board_id=tasks[0].board_id, status=TaskStatus.TODO) == 5
    assert column_names("todo") == order
    assert ranks_of("todo") == ranks.spread(5)


def test_respacing_a_column_without_long_ranks_does_nothing():
    task = task_create(name="a")
    assert column_respace(board_id=task.board_id, status=TaskStatus.TODO) == 0


def test_a_rank_taken_meanwhile_is_picked_again(monkeypatch):
    # What a concurrent writer placing a card into the same gap first looks like: the rank this
    # writer picked is taken, the unique constraint refuses it, and the gap is read again.
    taken = task_create(name="taken")
    real_between = ranks.between
    picks = iter([taken.rank])
    monkeypatch.setattr(
        services.ranks, "between", lambda *args: next(picks, None) or real_between(*args)
    )
    task_create(name="new")
    assert column_names("todo") == ["taken", "new"]
