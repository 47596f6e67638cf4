"""The SQL of hot reads, compiled once per process and shape and run again with new values.

Building and compiling a queryset costs more CPU than running it against an index: for GET
/tasks/{id} about a third of the request (bench/api.py). A read whose SQL is fixed by a key (what
the caller may read, `boards.access.readable_boards_key`) and at most one value (a task's id) is
compiled once with a marker in that value's place; later calls put the value in the marker's place
among the parameters and skip the ORM.
"""

from collections.abc import Callable, Hashable, Sequence

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connection

# Stands in for the value while compiling: no id is ever negative, so no other parameter is this.
# Within 32 bits: Django turns a lookup beyond an integer column's range into "matches nothing".
MARKER = -725_031_301
# Bounded: one entry per shape and database, and per person for reads that name them.
MAX_ENTRIES = 4096

_compiled: dict[Hashable, tuple[str, list, int | None]] = {}


def compiled_sql(
    key: Hashable, build: Callable[[int], tuple[str, Sequence]], value: int | None = None
) -> tuple[str, list] | None:
    """`build(MARKER)`'s SQL and parameters, with `value` in the marker's place, compiled once
    per `key` and database; None when the read can match nothing (the ORM sends no SQL then).
    `build` must yield the same SQL for the same key."""
    cache_key = (connection.alias, connection.vendor, key)
    entry = _compiled.get(cache_key)
    if entry is None:
        try:
            sql, params = build(MARKER)
        except EmptyResultSet:
            return None
        params = list(params)
        # Counted in any form: a field may have turned the marker into text, which a plain
        # comparison would miss.
        markers = sum(str(MARKER) in str(param) for param in params)
        if (
            markers > 1
            or (markers == 1 and MARKER not in params)
            or (value is not None and not markers)
        ):
            return build(value)  # the value is not one parameter: nothing to reuse
        entry = (sql, params, params.index(MARKER) if markers else None)
        if len(_compiled) >= MAX_ENTRIES:
            _compiled.clear()
        _compiled[cache_key] = entry
    sql, params, index = entry
    if index is not None:
        params = params.copy()
        params[index] = value
    return sql, params


def forget(**kwargs: object) -> None:
    """A changed setting (tests' override_settings) may change any read's SQL."""
    _compiled.clear()


setting_changed.connect(forget)
