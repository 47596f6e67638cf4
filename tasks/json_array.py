"""The task list as one JSON array (and one task as a JSON object) built by the database, in
TaskSerializer's format.

GET /tasks/ (every task, no paging) is the API's hottest read. Building 100 model instances, formatting
400 datetimes and encoding the result in Python costs about as much again as the rest of the request;
SQLite's json_group_array and PostgreSQL's json_agg do it in C, in the one query the list needs
(bench/api.py measures the difference). test_api_tasks holds the output equal to TaskSerializer's on
both databases.

Differences a JSON client cannot see: PostgreSQL writes a whole float as 60 rather than 60.0, and
SQLite keeps 15 significant digits of a float.
"""

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import QuerySet

from boards.access import readable_boards_key
from tasks import breakdown_serializers, serializers
from tasks.models import Comment, Phase, Task, TaskTag, Todo
from tasks.selectors import tasks_readable_by
from tracker.db.compiled import compiled_sql

_ISO_UTC = {
    # Django stores a datetime as str(naive UTC datetime): "2026-01-31 09:00:00.250000", with the
    # fraction left out when it is zero, exactly as isoformat() does.
    "sqlite": "replace({column}, ' ', 'T') || 'Z'",
    "postgresql": (
        "to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        " || CASE WHEN {column} = date_trunc('second', {column}) THEN ''"
        " ELSE to_char({column}, '.US') END || 'Z'"
    ),
}
_ARRAY = {
    # Both aggregate the rows in the order the ordered subquery yields them: SQLite does not flatten
    # an ordered subquery into an aggregate, and json_agg has no parallel (combine) form.
    "sqlite": "SELECT json_group_array(json_object({pairs})) FROM ({rows}) AS rows",
    "postgresql": "SELECT COALESCE(json_agg(json_build_object({pairs})), '[]')::text FROM ({rows}) AS rows",
}
_OBJECT = {
    "sqlite": "SELECT json_object({pairs}) FROM ({rows}) AS rows",
    "postgresql": "SELECT json_build_object({pairs})::text FROM ({rows}) AS rows",
}
# The usernames of a task's assignees as a JSON array, sorted as Python sorts text (by code point:
# byte order in UTF-8, PostgreSQL's "C" collation), as TaskSerializer writes them.
_ASSIGNEES = {
    "sqlite": (
        "json((SELECT json_group_array(username) FROM (SELECT u.{username} AS username"
        " FROM {assignees} a JOIN {users} u ON u.id = a.user_id WHERE a.task_id = rows.id"
        " ORDER BY u.{username})))"
    ),
    "postgresql": (
        'COALESCE((SELECT json_agg(u.{username} ORDER BY u.{username} COLLATE "C")'
        " FROM {assignees} a JOIN {users} u ON u.id = a.user_id WHERE a.task_id = rows.id),"
        " '[]'::json)"
    ),
}


# A JSON array of `value` over the rows of `table` (as `alias`) matching `where`, in `order`: the
# nested lists of the answer (tags, phases, their todos, comments), each a correlated subquery, so
# the list stays one query however many there are.
_NESTED = {
    "sqlite": (
        "json((SELECT json_group_array({value}) FROM (SELECT * FROM {table} AS {alias}"
        " WHERE {where} ORDER BY {order}) AS {alias}))"
    ),
    "postgresql": (
        "COALESCE((SELECT json_agg({value} ORDER BY {order}) FROM {table} AS {alias}"
        " WHERE {where}), '[]'::json)"
    ),
}
_NESTED_OBJECT = {"sqlite": "json_object({pairs})", "postgresql": "json_build_object({pairs})"}


def supported() -> bool:
    """Whether the database can write the list: a supported vendor, and plain columns only.

    When a field is added that it cannot write, the list falls back to the serializer: slower, and
    still right (test_api_tasks compares the two).
    """
    return serializers.TASK_COLUMNS is not None and connection.vendor in _ARRAY


def _pair(field: models.Field, vendor: str) -> str:
    """`'key', value` of json_object/json_build_object for one column."""
    value = f'"{field.name}"'  # values_list() names each column by its field's name
    if isinstance(field, models.DateTimeField):
        value = _ISO_UTC[vendor].format(column=value)
    elif isinstance(field, models.BooleanField) and vendor == "sqlite":
        # SQLite stores 0/1; json() of the text 'true'/'false' is the JSON literal.
        value = f"json(CASE WHEN {value} THEN 'true' ELSE 'false' END)"
    elif isinstance(field, models.FloatField) and vendor == "sqlite":
        # SQLite's JSON writes 15 significant digits (1/60 came back 0.0166666666666667); 17 when
        # 15 do not give the same number back, as Python's shortest repr would. char(37) is "%",
        # which the SQL may not hold (its parameters are %s).
        short, full = (f"printf(char(37) || '!.{digits}g', {value})" for digits in (15, 17))
        value = (
            f"CASE WHEN {value} IS NULL THEN NULL WHEN CAST({short} AS REAL) = {value}"
            f" THEN json({short}) ELSE json({full}) END"
        )
    return f"'{field.name}', {value}"


def _people_pairs(vendor: str) -> dict[str, str]:
    """`'key', value` of the answer's people fields: subqueries on the assignees and the users."""
    users = get_user_model()
    quote = connection.ops.quote_name
    names = {
        "username": quote(users._meta.get_field(users.USERNAME_FIELD).column),
        "users": quote(users._meta.db_table),
        "assignees": quote(Task.assignees.through._meta.db_table),
    }
    return {
        "assignees": f"'assignees', {_ASSIGNEES[vendor].format(**names)}",
        "created_by": f"'created_by', {_username_of('rows.created_by')}",
        "claimed_by": f"'claimed_by', {_username_of('rows.claimed_by')}",
    }


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _username_of(column: str) -> str:
    users = get_user_model()
    username = _quote(users._meta.get_field(users.USERNAME_FIELD).column)
    # Quoted table and column names, no input: nothing for S608 to inject.
    return f"(SELECT u.{username} FROM {_quote(users._meta.db_table)} u WHERE u.id = {column})"  # noqa: S608


def _nested(vendor: str, model, alias: str, value: str, where: str) -> str:
    order = ", ".join(
        f"{alias}.{_quote(model._meta.get_field(name.removeprefix('-')).column)}"
        + (" DESC" if name.startswith("-") else "")
        for name in model._meta.ordering
    )
    return _NESTED[vendor].format(
        value=value, table=_quote(model._meta.db_table), alias=alias, where=where, order=order
    )


def _object(vendor: str, model, alias: str, names: list[str], nested: dict[str, str]) -> str:
    """A JSON object of the columns `names` of `model`'s row `alias`, foreign keys to users as
    usernames, and the `nested` values given (already SQL)."""
    pairs = []
    for name in names:
        if name in nested:
            value = nested[name]
        else:
            field = model._meta.get_field(name)
            value = f"{alias}.{_quote(field.column)}"
            if field.is_relation and name != field.attname:
                value = _username_of(value)  # a user, answered as their username
            elif isinstance(field, models.DateTimeField):
                value = _ISO_UTC[vendor].format(column=value)
        pairs.append(f"'{name}', {value}")
    return _NESTED_OBJECT[vendor].format(pairs=", ".join(pairs))


def _breakdown_pairs(vendor: str) -> dict[str, str]:
    """`'key', value` of the answer's nested lists: tags, phases with their todos, comments."""
    todo = _object(vendor, Todo, "t", breakdown_serializers.TodoSerializer.Meta.fields, {})
    todos = _nested(vendor, Todo, "t", todo, "t.phase_id = p.id")
    phase_fields = breakdown_serializers.PhaseSerializer.Meta.fields
    phase = _object(vendor, Phase, "p", phase_fields, {"todos": todos})
    comment_fields = breakdown_serializers.CommentSerializer.Meta.fields
    comment = _object(vendor, Comment, "c", comment_fields, {})
    return {
        "tags": f"'tags', {_nested(vendor, TaskTag, 'g', 'g.name', 'g.task_id = rows.id')}",
        "phases": f"'phases', {_nested(vendor, Phase, 'p', phase, 'p.task_id = rows.id')}",
        "comments": f"'comments', {_nested(vendor, Comment, 'c', comment, 'c.task_id = rows.id')}",
    }


def _json_sql(template: dict[str, str], tasks: QuerySet[Task]) -> tuple[str, Sequence]:
    """`template` (of _ARRAY or _OBJECT) over the rows of `tasks`: its SQL and parameters."""
    vendor = connection.vendor
    columns = {field.name: _pair(field, vendor) for field in serializers.TASK_COLUMNS}
    columns.update(_people_pairs(vendor))
    columns.update(_breakdown_pairs(vendor))
    pairs = ", ".join(columns[name] for name in serializers.ANSWER_FIELDS)
    selected = [field.name for field in serializers.TASK_COLUMNS]
    rows_sql, params = tasks.values_list(
        *selected, "created_by", "claimed_by"
    ).query.sql_with_params()
    return template[vendor].format(pairs=pairs, rows=rows_sql), params


def _first_value(sql: str, params: Sequence) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def tasks_json_array(tasks: QuerySet[Task]) -> str:
    """`tasks` (filtered and ordered as given) as the text of a JSON array, in one query."""
    return _first_value(*_json_sql(_ARRAY, tasks))


def task_json_object(actor, task_id: int) -> str | None:
    """Task `task_id` as the text of a JSON object, in one query, if `actor` may read it; else None.

    GET /tasks/{id}: the same answer as TaskSerializer's without a model instance, a prefetch
    query or Python's encoder, and with its SQL compiled once per kind of reader
    (tracker.db.compiled; bench/api.py).
    """

    def build(marker: int) -> tuple[str, Sequence]:
        return _json_sql(_OBJECT, tasks_readable_by(actor).filter(pk=marker).order_by())

    key = ("task_json_object", readable_boards_key(actor))
    compiled = compiled_sql(key, build, task_id)
    return None if compiled is None else _first_value(*compiled)
