"""A reminder interval in words, as the board's cards and the admin's task list show it."""

# An interval's units, largest first: (seconds, one, many), as the board's unit selects offer them.
_INTERVAL_UNITS = [(24 * 60 * 60, "day", "days"), (60 * 60, "h", "h"), (60, "min", "min")]


def interval_label(minutes: float) -> str:
    """What follows "Every" on a card: '30 s', '5 min', '1.5 h', 'day', '2 days'.

    The largest unit giving a whole number or one decimal; under a minute, whole seconds (the API
    allows down to one second, so 0.05 min reads '3 s', not '0.05 min').
    """
    seconds = minutes * 60
    for size, one, many in _INTERVAL_UNITS:
        count = seconds / size
        if count >= 1 and abs(round(count, 1) - count) < 1e-6:
            count = round(count, 1)
            if count == 1 and one == "day":
                return "day"
            return f"{count:g} {one if count == 1 else many}"
    if seconds < 60:
        return f"{round(seconds)} s"
    # Not a round amount of any unit (100.37 min): the largest unit it fills, to one decimal.
    size, one, many = next(unit for unit in _INTERVAL_UNITS if seconds >= unit[0])
    return f"{round(seconds / size, 1):g} {many}"
