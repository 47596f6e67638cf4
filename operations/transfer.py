"""Every row of the product's apps as one JSON document: `manage.py export_data` / `import_data`.

For backups that survive a change of database (SQLite to PostgreSQL) and for moving a board between
installations. The document is Django's own serialization format, what `dumpdata` writes and
`loaddata` reads (a list of `{"model", "pk", "fields"}`), so a model or field added to these apps is
exported and imported with no change here; an older export still loads after fields are added.

What this adds to dumpdata/loaddata: times keep their microseconds (Django's encoder cuts them to
milliseconds), so a round trip gives back exactly the same rows; the import refuses a database that
already has rows (loaddata would overwrite rows with the same id), checks every object as the model
does (blank names, naive times) and names the one it refuses; all or nothing. Ids are kept, so links
between rows and ids that scripts remember stay valid.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from tracker import events

# The apps whose rows make up an export; models of an app added here (and new models in these
# apps) are carried without further change.
EXPORTED_APPS = ("tasks", "notifications")


class ImportRefused(Exception):
    """The document cannot be imported; nothing was written."""


class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def exported_models() -> list[type[models.Model]]:
    return [model for label in EXPORTED_APPS for model in apps.get_app_config(label).get_models()]


def summary(counts: dict[str, int]) -> str:
    """ "3 tasks and 1 notifications": how many rows of each model."""
    return " and ".join(f"{count} {name}" for name, count in counts.items()) or "nothing"


def _rows(counts: Counter) -> Iterator[models.Model]:
    for model in exported_models():
        for row in model._base_manager.order_by("pk").iterator():
            counts[model._meta.verbose_name_plural] += 1
            yield row


def export_data(*, stream: TextIO) -> Counter:
    """Write every row of EXPORTED_APPS to `stream`, oldest id first; how many of each model."""
    counts = Counter()
    serializers.serialize("json", _rows(counts), stream=stream, indent=1, cls=_ExactJSONEncoder)
    return counts


def _check(instance: models.Model, where: str) -> None:
    """The model's own field checks; relations and constraints are the database's (see below)."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, datetime) and timezone.is_naive(value):
            raise ImportRefused(f"{where}: {field.name} must be an ISO 8601 time with a UTC offset")
    relations = [field.name for field in instance._meta.fields if field.is_relation]
    try:
        # Checking foreign keys and constraints here would cost queries per row; the database
        # checks both (check_constraints below), in bulk.
        instance.full_clean(validate_unique=False, validate_constraints=False, exclude=relations)
    except ValidationError as error:
        raise ImportRefused(f"{where}: {error.message_dict}") from error


def _refuse_unless_empty(models_: list[type[models.Model]]) -> None:
    counts = {model._meta.verbose_name_plural: model._base_manager.count() for model in models_}
    if any(counts.values()):
        raise ImportRefused(
            f"the database already has {summary(counts)}; import into an empty database"
        )


def _reset_id_sequences(models_: list[type[models.Model]]) -> None:
    """Rows came with their ids: move PostgreSQL's id sequences past them (a no-op on SQLite)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


@transaction.atomic
def import_data(*, document: Any) -> Counter:
    """Load an export (parsed JSON) into a database with no rows in EXPORTED_APPS.

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
    _refuse_unless_empty(models_)

    counts = Counter()
    try:
        for index, row in enumerate(document):
            where = f"object {index} ({row['model']} {row.get('pk')!r})"
            try:
                deserialized = next(serializers.deserialize("python", [row]))
            except (DeserializationError, FieldDoesNotExist, ValidationError) as error:
                raise ImportRefused(f"{where}: {error}") from error
            _check(deserialized.object, where)
            # As loaddata saves: raw, so auto_now fields keep their exported times.
            deserialized.save(force_insert=True)
            counts[deserialized.object._meta.verbose_name_plural] += 1
        # Foreign keys are deferred to the commit, too late for a clear message: check them now.
        connection.check_constraints(table_names=[model._meta.db_table for model in models_])
    except (
        DatabaseError,
        OverflowError,
    ) as error:  # a constraint, a foreign key, a value too large
        raise ImportRefused(f"the database refused a row: {error}") from error
    _reset_id_sequences(models_)
    if counts["tasks"]:
        events.publish_after_commit("task.created", {"count": counts["tasks"]})
    return counts
