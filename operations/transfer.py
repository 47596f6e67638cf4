"""Every row of the product as one JSON document: `manage.py export_data` / `import_data`.

For backups that survive a change of database (SQLite to PostgreSQL) and for moving an installation.
The document is Django's own serialization format, what `dumpdata` writes and `loaddata` reads (a
list of `{"model", "pk", "fields"}`), so a model or field added to the exported apps is exported and
imported with no change here; an older export still loads after fields are added.

What it carries (EXPORTED, in that order, so that rows come after the rows they point at): people
(auth users with their password hashes, not groups or permissions), boards and memberships, the
`accounts` app (bots, and API tokens as knox stores them: a digest, never the token itself, so a
restore keeps every script's token working; people's notification preferences), tasks with their
assignees, history, work breakdown (tags, phases, todos, comments) and ping logs, notifications
with inbox entries, acknowledgements, channels and their deliveries. The file holds password
hashes, token digests and webhook secrets: keep it as secret as the database. Sessions, login
lockouts, idempotency keys (kept a day) and the admin's log are not carried.

What this adds to dumpdata/loaddata: times keep their microseconds (Django's encoder cuts them to
milliseconds), so a round trip gives back exactly the same rows; the import refuses a database that
already has rows (loaddata would overwrite rows with the same id), checks every object as the model
does (blank names, naive times) and names the one it refuses; all or nothing. Ids are kept, so links
between rows and ids that scripts remember stay valid.

A freshly migrated database is not quite empty: boards 0002 makes the default board "Main", and the
first request with the static API_AUTH_TOKEN makes its service account. Both count as empty while
nothing else is there (no other board or user, nothing on the board): the import removes them, in
its transaction, and the export's own rows take their place.

An export written before boards existed (tasks and notifications without a `board` field, no boards
in it) still imports: its tasks and notifications go onto the default board "Main" (public) that
migrate made, or one made for them, as the migration did with the rows it found. Such an export has
no people, so nobody is a member of that board yet and its notifications are in nobody's inbox
(superusers see every board; add members in the board's settings).
"""

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers import json as json_serializer
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from accounts.models import SERVICE_ACCOUNT_USERNAME
from boards.access import default_board
from boards.models import Board
from tracker import events

# What an export carries, in this order: a model ("app.Model") or every model of an app ("app", in
# the order the app defines them, so models added to it later are carried too). Rows come after
# the rows they point at (the database checks the links at the end of the import anyway).
EXPORTED = (
    "auth.User",
    "boards",
    "accounts",  # bots and API tokens, once the app has them
    "tasks",
    "notifications",
)
# Models whose rows are imported without the model's field validators: people are made with
# create_user and the commands, which do not run them (an email like "root@server", a bot's
# name), so a working database holds such rows and its export must import. The database still
# checks lengths, uniqueness and links, and times are still checked (_check).
NOT_VALIDATED = {("auth", "user")}
# Parts of an exported model that are not carried: permissions are the installation's own (their
# ids differ from one database to the next), and nothing here uses groups.
NOT_EXPORTED_FIELDS = {("auth", "user"): ("groups", "user_permissions")}


class ImportRefused(Exception):
    """The document cannot be imported; nothing was written."""


class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


class _Serializer(json_serializer.Serializer):
    """Django's JSON serializer, without the fields in NOT_EXPORTED_FIELDS."""

    def handle_m2m_field(self, obj: models.Model, field: models.Field) -> None:
        if field.name not in _not_exported(type(obj)):
            super().handle_m2m_field(obj, field)


def _not_exported(model: type[models.Model]) -> tuple[str, ...]:
    return NOT_EXPORTED_FIELDS.get((model._meta.app_label, model._meta.model_name), ())


def exported_models() -> list[type[models.Model]]:
    found = []
    for entry in EXPORTED:
        if "." in entry:
            found.append(apps.get_model(entry))
        else:
            found.extend(
                model
                for model in apps.get_app_config(entry).get_models()
                if not model._meta.proxy and model._meta.managed
            )
    return found


def summary(counts: dict[str, int]) -> str:
    """ "3 tasks and 1 notifications": how many rows of each model."""
    parts = [f"{count} {name}" for name, count in counts.items() if count]
    if not parts:
        return "nothing"
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def _m2m_to_export(model: type[models.Model]) -> list[models.ManyToManyField]:
    return [
        field for field in model._meta.local_many_to_many if field.name not in _not_exported(model)
    ]


def _rows(counts: Counter) -> Iterator[models.Model]:
    for model in exported_models():
        # One query per chunk for many-to-many fields (assignees), not one per row; in id order,
        # so that the same rows always give the same document.
        rows = model._base_manager.order_by("pk").prefetch_related(
            *(
                models.Prefetch(field.name, field.related_model._base_manager.order_by("pk"))
                for field in _m2m_to_export(model)
            )
        )
        for row in rows.iterator(chunk_size=2000):
            counts[model._meta.verbose_name_plural] += 1
            yield row


def export_data(*, stream: TextIO) -> Counter:
    """Write every row of EXPORTED to `stream`, oldest id first; how many of each model."""
    counts = Counter()
    _Serializer().serialize(_rows(counts), stream=stream, indent=1, cls=_ExactJSONEncoder)
    return counts


def _check(instance: models.Model, where: str) -> None:
    """The model's own field checks; relations and constraints are the database's (see below)."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, datetime) and timezone.is_naive(value):
            raise ImportRefused(f"{where}: {field.name} must be an ISO 8601 time with a UTC offset")
    if (instance._meta.app_label, instance._meta.model_name) in NOT_VALIDATED:
        return
    relations = [field.name for field in instance._meta.fields if field.is_relation]
    try:
        # Checking foreign keys and constraints here would cost queries per row; the database
        # checks both (check_constraints below), in bulk.
        instance.full_clean(validate_unique=False, validate_constraints=False, exclude=relations)
    except ValidationError as error:
        raise ImportRefused(f"{where}: {error.message_dict}") from error


def _leftovers(counts: dict[type[models.Model], int]) -> list[models.Model]:
    """The rows of a freshly migrated database that nobody put there, while nothing else is there:
    the default board boards 0002 made, and the static token's service account."""
    if any(count for model, count in counts.items() if model not in (Board, get_user_model())):
        return []
    found = []
    if counts.get(Board) == 1:
        found += Board.objects.filter(is_default=True)
    if counts.get(get_user_model()) == 1:
        users = get_user_model()
        found += users.objects.filter(**{users.USERNAME_FIELD: SERVICE_ACCOUNT_USERNAME})
    return found


def _clear_unless_rows(models_: list[type[models.Model]], *, keep_default_board: bool) -> None:
    """Refuse a database that has rows, except the leftovers of a fresh migrate, which go (the
    default board stays for an export without boards, whose rows go onto it)."""
    counts = {model: model._base_manager.count() for model in models_}
    leftovers = _leftovers(counts)
    for row in leftovers:
        counts[type(row)] -= 1
    if any(counts.values()):
        named = {model._meta.verbose_name_plural: count for model, count in counts.items()}
        raise ImportRefused(
            f"the database already has {summary(named)}; import into an empty database "
            "(freshly migrated: its default board and the static token's account do not count)"
        )
    for row in leftovers:
        if not (keep_default_board and isinstance(row, Board)):
            row.delete()


def _on_a_board(models_: list[type[models.Model]]) -> set[str]:
    """The labels of the models whose rows belong to a board (a `board` foreign key)."""
    return {
        model._meta.label_lower
        for model in models_
        for field in model._meta.fields
        if field.name == "board" and field.related_model is Board
    }


def _onto_default_board(document: list[dict], models_: list[type[models.Model]]) -> list[dict]:
    """An export from before boards (no boards, rows without `board`): those rows go onto the
    default board (made for them if the database has none), as the migration did."""
    labels = _on_a_board(models_)
    if not any(row["model"] in labels and "board" not in row["fields"] for row in document):
        return document
    board = default_board()
    return [
        {**row, "fields": {**row["fields"], "board": board.pk}}
        if row["model"] in labels and "board" not in row["fields"]
        else row
        for row in document
    ]


def _refuse_unexported_fields(row: dict, where: str) -> None:
    """A dumpdata file carries users' groups and permissions; an export never does, and they
    cannot be kept (their ids are another database's), so refuse rather than drop them."""
    for name in NOT_EXPORTED_FIELDS.get(tuple(row["model"].split(".", 1)), ()):
        if row["fields"].get(name):
            raise ImportRefused(f"{where}: {name} are not imported; remove them from the file")


def _checked_tables(models_: list[type[models.Model]]) -> list[str]:
    """The tables the import writes: the models' and their many-to-many tables (assignees)."""
    tables = [model._meta.db_table for model in models_]
    for model in models_:
        for field in _m2m_to_export(model):
            tables.append(field.remote_field.through._meta.db_table)
    return tables


def _reset_id_sequences(models_: list[type[models.Model]]) -> None:
    """Rows came with their ids: move PostgreSQL's id sequences past them (a no-op on SQLite)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


@transaction.atomic
def import_data(*, document: Any) -> Counter:
    """Load an export (parsed JSON) into a database with no rows in EXPORTED (see the module's
    docstring for what a freshly migrated database may hold).

    All or nothing: on any error ImportRefused is raised and nothing is written. Returns how many
    rows of each model were imported.
    """
    models_ = exported_models()
    labels = {model._meta.label_lower for model in models_}
    if not isinstance(document, list) or not all(isinstance(row, dict) for row in document):
        raise ImportRefused(
            "not a Status Tracker export (expected a JSON list of objects, as export_data writes)"
        )
    for index, row in enumerate(document):
        if not isinstance(row.get("model"), str) or row["model"] not in labels:
            raise ImportRefused(
                f"object {index}: model {row.get('model')!r} is not one of {', '.join(sorted(labels))}"
            )
        if not isinstance(row.get("fields"), dict):
            raise ImportRefused(f'object {index}: "fields" must be an object')
    carries_boards = any(row["model"] == "boards.board" for row in document)
    _clear_unless_rows(models_, keep_default_board=not carries_boards)
    if not carries_boards:
        document = _onto_default_board(document, models_)

    counts = Counter()
    try:
        for index, row in enumerate(document):
            where = f"object {index} ({row['model']} {row.get('pk')!r})"
            _refuse_unexported_fields(row, where)
            try:
                deserialized = next(serializers.deserialize("python", [row]))
            except (DeserializationError, FieldDoesNotExist, ValidationError) as error:
                raise ImportRefused(f"{where}: {error}") from error
            _check(deserialized.object, where)
            # As loaddata saves: raw, so auto_now fields keep their exported times.
            deserialized.save(force_insert=True)
            counts[deserialized.object._meta.verbose_name_plural] += 1
        # Foreign keys are deferred to the commit, too late for a clear message: check them now.
        connection.check_constraints(table_names=_checked_tables(models_))
    except (
        DatabaseError,
        OverflowError,
    ) as error:  # a constraint, a foreign key, a value too large
        raise ImportRefused(f"the database refused a row: {error}") from error
    _reset_id_sequences(models_)
    if counts["tasks"]:
        events.publish_after_commit("task.created", {"count": counts["tasks"]})
    return counts
