"""tasks.ranks: strings that sort in board order, with room between any two."""

import random

import pytest

from tasks import ranks


def test_the_first_rank_of_an_empty_column_is_a_plain_head():
    assert ranks.between(None, None) == "V0000000"


def test_appending_and_prepending_step_the_head_and_keep_ranks_short():
    rng = random.Random(1)
    last = first = ranks.between(None, None)
    for _ in range(1000):
        last = ranks.between(last, None, rng)
        first = ranks.between(None, first, rng)
    assert first < "V0000000" < last
    assert len(first) == len(last) == ranks.HEAD_WIDTH


def test_inserting_into_one_gap_again_and_again_grows_the_tail_but_stays_between():
    rng = random.Random(2)
    low, high = "V0000000", "V0000001"
    for _ in range(200):
        middle = ranks.between(low, high, rng)
        assert low < middle < high
        assert ranks.is_valid(middle)
        high = middle
    assert len(high) > ranks.RESPACE_LENGTH  # dense: time to respace the column


def test_random_inserts_keep_every_rank_distinct_valid_and_in_order():
    rng = random.Random(3)
    column: list[str] = []
    for _ in range(2000):
        index = rng.randint(0, len(column))
        low = column[index - 1] if index else None
        high = column[index] if index < len(column) else None
        column.insert(index, ranks.between(low, high, rng))
    assert column == sorted(column)
    assert len(set(column)) == len(column)
    assert all(ranks.is_valid(rank) for rank in column)


def test_ranks_out_of_order_are_refused():
    with pytest.raises(ValueError, match="out of order"):
        ranks.between("V0000001", "V0000000")


def test_spread_gives_short_increasing_ranks_around_the_middle():
    spread = ranks.spread(10_000)
    assert spread == sorted(spread)
    assert {len(rank) for rank in spread} == {ranks.HEAD_WIDTH}
    assert spread[0] < "V0000000" < spread[-1]


@pytest.mark.parametrize("rank", ["", "V000000", "V00000000", "V000000-", "V0000000 ", "é0000000"])
def test_what_the_functions_cannot_write_is_not_a_rank(rank):
    assert not ranks.is_valid(rank)
