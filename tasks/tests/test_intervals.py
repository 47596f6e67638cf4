"""A reminder interval in words (tasks.intervals.interval_label), as cards and the admin show it."""

import pytest

from tasks.intervals import interval_label


@pytest.mark.parametrize(
    ("minutes", "label"),
    [
        (0.5, "30 s"),
        (0.05, "3 s"),  # the original's 0.05-minute interval, not "0.05 min"
        (1 / 60, "1 s"),
        (5, "5 min"),
        (45.5, "45.5 min"),
        (60, "1 h"),
        (90, "1.5 h"),
        (120, "2 h"),
        (1440, "day"),
        (2880, "2 days"),
        (525600, "365 days"),
    ],
)
def test_an_interval_reads_in_its_largest_round_unit(minutes, label):
    assert interval_label(minutes) == label


def test_an_interval_of_no_round_unit_is_rounded_to_one_decimal():
    assert interval_label(100.37) == "1.7 h"
