"""export_data / import_data: a database survives the round trip exactly."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from notifications.models import Notification
from tasks.models import Task
from tasks.services import task_create

pytestmark = pytest.mark.django_db


def export() -> list[dict]:
    out = StringIO()
    call_command("export_data", stdout=out)
    return json.loads(out.getvalue())


def import_file(tmp_path, document: object) -> str:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    out = StringIO()
    call_command("import_data", str(path), stdout=out)
    return out.getvalue()


def empty_database() -> None:
    Notification.objects.all().delete()
    Task.objects.all().delete()


def rows(document: list[dict], model: str) -> list[dict]:
    """The fields of each exported row of `model` ("tasks.task"), in the document's order."""
    return [row["fields"] for row in document if row["model"] == model]


def stored_rows() -> tuple[list[dict], list[dict]]:
    return list(Task.objects.values()), list(Notification.objects.values())


def assert_imports_nothing(tmp_path, document: object, match: str) -> None:
    empty_database()
    with pytest.raises(CommandError, match=match):
        import_file(tmp_path, document)
    assert Task.objects.count() == Notification.objects.count() == 0


def test_export_import_round_trip_gives_back_the_same_rows(tmp_path):
    call_command("seed_demo", "--tasks", "300", "--seed", "7", stdout=StringIO())
    Notification.objects.filter(pk__in=Notification.objects.values("pk")[:5]).delete()
    Task.objects.filter(pk__in=Task.objects.values("pk")[:3]).delete()  # orphans notifications
    before, document = stored_rows(), export()
    empty_database()
    assert "Imported 297 tasks" in import_file(tmp_path, document)
    assert stored_rows() == before  # to the microsecond
    assert export() == document


def test_a_dumpdata_file_imports_too(tmp_path, make_task):
    make_task("Dumped", status="done")
    dumped = StringIO()
    call_command("dumpdata", "tasks", "notifications", stdout=dumped)
    empty_database()
    assert "Imported 1 tasks and 1 notifications" in import_file(
        tmp_path, json.loads(dumped.getvalue())
    )


def test_notifications_keep_their_task(tmp_path):
    task = task_create(name="Ship it", status="done")
    document = export()
    empty_database()
    import_file(tmp_path, document)
    assert Notification.objects.get().task_id == task.pk


def test_new_tasks_after_an_import_get_fresh_ids(tmp_path):
    tasks = [task_create(name=f"Task {n}") for n in range(3)]
    document = export()
    empty_database()
    import_file(tmp_path, document)
    assert task_create(name="After import").pk > max(task.pk for task in tasks)


def test_import_refuses_a_database_that_has_tasks(tmp_path, make_task):
    make_task("Keep me")
    with pytest.raises(CommandError, match="already has 1 tasks"):
        import_file(tmp_path, export())
    assert Task.objects.count() == 1


def test_a_bad_row_imports_nothing(tmp_path, make_task):
    make_task("First")
    make_task("Second")
    document = export()
    rows(document, "tasks.task")[1]["status"] = "archived"
    assert_imports_nothing(tmp_path, document, match=r"object 1 \(tasks\.task .*status")


def test_a_schedule_that_breaks_the_model_rules_imports_nothing(tmp_path, make_task):
    make_task("Not started")
    document = export()
    task = rows(document, "tasks.task")[0]
    task["next_reminder_at"] = task["last_ping"]
    assert_imports_nothing(tmp_path, document, match="refused a row")


def test_a_notification_pointing_at_a_missing_task_imports_nothing(tmp_path, make_task):
    make_task("Done", status="done")
    document = export()
    rows(document, "notifications.notification")[0]["task"] = 999
    assert_imports_nothing(tmp_path, document, match=r"(?s)refused a row.*task_id.*999")


def test_a_time_without_utc_offset_imports_nothing(tmp_path, make_task):
    make_task("Naive")
    document = export()
    rows(document, "tasks.task")[0]["created_at"] = "2026-01-31T09:00:00"
    assert_imports_nothing(
        tmp_path, document, match="created_at must be an ISO 8601 time with a UTC offset"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pk": 10**30}, "id"),
        ({"pk": "abc"}, "abc"),
        ({"fields": []}, '"fields" must be an object'),
        ({"fields": {"name": "x", "interval_minutes": "often"}}, "often"),
        ({"fields": {"name": "x", "rank": "not a rank"}}, "rank"),
    ],
)
def test_a_malformed_object_imports_nothing(tmp_path, make_task, change, message):
    make_task("Malformed")
    document = export()
    document[0].update(change)
    assert_imports_nothing(tmp_path, document, match=message)


def test_an_unknown_field_imports_nothing(tmp_path, make_task):
    make_task("Extra")
    document = export()
    rows(document, "tasks.task")[0]["colour"] = "red"
    assert_imports_nothing(tmp_path, document, match="object 0 .*colour")


@pytest.mark.parametrize(
    "document", [{"tasks": []}, [{"model": "auth.user", "pk": 1, "fields": {}}], ["text"]]
)
def test_a_file_that_is_not_an_export_is_refused(tmp_path, document):
    with pytest.raises(CommandError, match="not a Status Tracker export|is not one of"):
        import_file(tmp_path, document)


def test_invalid_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_data", str(path))


def test_export_writes_a_file_with_output(tmp_path, make_task):
    make_task("To a file")
    call_command("export_data", "--output", str(tmp_path / "out.json"), stderr=StringIO())
    document = json.loads((tmp_path / "out.json").read_text())
    assert rows(document, "tasks.task")[0]["name"] == "To a file"
