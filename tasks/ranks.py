"""Card order as ranks: strings that sort (byte by byte) in board order, so a move writes one row.

A rank is a fixed-width head of HEAD_WIDTH base-62 digits plus an optional tail, read as the number
`head.tail`: "V0000000" < "V0000000V" < "V0000001". A new rank between two others never needs
anyone else to move. Appending and prepending step the head by a random amount, so concurrent
writers at the same end rarely pick the same rank (the unique constraint on (status, rank) and a
retry in tasks.services handle the rare clash); inserting between two cards whose heads are
adjacent grows the tail, and a column whose ranks grow long is respaced by `spread`.

Pure functions: no database here.
"""

import random

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ASCII order
BASE = len(DIGITS)
HEAD_WIDTH = 8
_HEAD_LIMIT = BASE**HEAD_WIDTH
# A fresh column starts mid-range so there is as much room above its first card as below its last.
_MIDDLE = _HEAD_LIMIT // 2
# Appends and prepends move the head by 1..STEP: 62**8 / 2 / (STEP / 2) is about 22 million
# appends before the head runs out (the tail takes over then), and two concurrent appends clash
# with odds of one in ten million.
STEP = 10_000_000
# `spread` leaves this much room between neighbours, and starts the column where its middle card
# sits at _MIDDLE.
SPACING = 2**20
# Ranks longer than this get their column respaced (tasks.services.column_respace).
RESPACE_LENGTH = 32
MAX_LENGTH = 255

_ZERO_HEAD = DIGITS[0] * HEAD_WIDTH


def is_valid(rank: str) -> bool:
    """A rank these functions could have written: a full head of digits, no zero digit at the end
    of a tail (so there is room below every rank)."""
    return (
        HEAD_WIDTH <= len(rank) <= MAX_LENGTH
        and all(char in DIGITS for char in rank)
        and (len(rank) == HEAD_WIDTH or rank[-1] != DIGITS[0])
    )


def _encode(value: int) -> str:
    digits = []
    for _ in range(HEAD_WIDTH):
        value, digit = divmod(value, BASE)
        digits.append(DIGITS[digit])
    return "".join(reversed(digits))


def _decode(head: str) -> int:
    value = 0
    for char in head:
        value = value * BASE + DIGITS.index(char)
    return value


def _midpoint(low: str, high: str | None) -> str:
    """A fraction strictly between the fractions `low` and `high` (None: 1), digits after the point.

    Neither ends in the zero digit, so there is always room below any fraction but the empty one.
    """
    if high is not None:
        shared = 0
        while (
            shared < len(high) and (low[shared] if shared < len(low) else DIGITS[0]) == high[shared]
        ):
            shared += 1
        if shared:
            return high[:shared] + _midpoint(low[shared:], high[shared:])
    digit_low = DIGITS.index(low[0]) if low else 0
    digit_high = DIGITS.index(high[0]) if high is not None else BASE
    if digit_high - digit_low > 1:
        return DIGITS[(digit_low + digit_high + 1) // 2]
    if high is not None and len(high) > 1:
        return high[:1]
    return DIGITS[digit_low] + _midpoint(low[1:], None)


def _jittered(low: str, middle: str, high: str | None, rng: random.Random) -> str:
    """`middle` with two random digits added when that still sorts below `high`: fewer clashes."""
    candidate = middle + rng.choice(DIGITS) + rng.choice(DIGITS[1:])
    return candidate if high is None or candidate < high else middle


def between(low: str | None, high: str | None, rng: random.Random | None = None) -> str:
    """A rank strictly between `low` and `high`; None for "no card there" (the column's ends)."""
    rng = rng or random
    if low is not None and high is not None and not low < high:
        raise ValueError(f"ranks out of order: {low!r} is not below {high!r}")
    if low is None and high is None:
        return _encode(_MIDDLE)
    # No card above: the lowest head, whose empty tail no stored rank has (heads stay above it).
    low = _ZERO_HEAD if low is None else low
    low_head, low_tail = _decode(low[:HEAD_WIDTH]), low[HEAD_WIDTH:]
    if high is None:
        room = _HEAD_LIMIT - 1 - low_head
        if room >= 1:
            return _encode(low_head + rng.randint(1, min(STEP, room)))
        tail = _midpoint(low_tail, None)
        return low[:HEAD_WIDTH] + _jittered(low_tail, tail, None, rng)
    high_head, high_tail = _decode(high[:HEAD_WIDTH]), high[HEAD_WIDTH:]
    gap = high_head - low_head
    if gap >= 2:
        step = rng.randint(1, min(STEP, gap - 1))
        # Before the first card: close below it, so the room above stays for later prepends.
        return _encode(high_head - step if low == _ZERO_HEAD else low_head + step)
    # Same head, or adjacent heads (then any tail above low's fits below high's head).
    high_fraction = high_tail if gap == 0 else None
    tail = _midpoint(low_tail, high_fraction)
    return low[:HEAD_WIDTH] + _jittered(low_tail, tail, high_fraction, rng)


def anywhere() -> str:
    """A random rank: the model's default, for rows inserted without tasks.services (bulk inserts
    in tests and scripts), which land somewhere in their column and rarely clash."""
    return _encode(random.randint(1, _HEAD_LIMIT - 1))


def spread(count: int) -> list[str]:
    """`count` increasing ranks, evenly spaced around the middle: a fresh or respaced column."""
    start = _MIDDLE - (count // 2) * SPACING
    if start < 1 or start + count * SPACING >= _HEAD_LIMIT:
        raise ValueError(f"cannot spread {count} ranks")
    return [_encode(start + number * SPACING) for number in range(count)]


def after(low: str | None, count: int, rng: random.Random | None = None) -> list[str]:
    """`count` increasing ranks after `low` (None: an empty column), for bulk inserts at the end."""
    ranks = []
    for _ in range(count):
        low = between(low, None, rng)
        ranks.append(low)
    return ranks
