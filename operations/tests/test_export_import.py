"""export_data / import_data: a database survives the round trip exactly."""

import json
from datetime import time
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.authentication import service_account
from accounts.models import NotificationPreferences
from accounts.services import bot_create, token_create
from boards.access import default_board
from boards.models import Board, Membership, Role, Visibility
from notifications import webpush
from notifications.acknowledgements import notification_acknowledge
from notifications.board_webhooks import board_webhook_create
from notifications.models import (
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    InboxEntry,
    Notification,
    NotificationType,
)
from notifications.services import inbox_entry_mark_read, notification_create
from operations.transfer import exported_models
from tasks.breakdown import todo_update
from tasks.comments import comment_create
from tasks.models import Comment, PingKind, PingLog, Task, TaskChange, Todo
from tasks.services import task_create, task_delete, task_update

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
    for model in reversed(exported_models()):
        model._base_manager.all().delete()


def rows(document: list[dict], model: str) -> list[dict]:
    """The fields of each exported row of `model` ("tasks.task"), in the document's order."""
    return [row["fields"] for row in document if row["model"] == model]


def rows_pk(document: list[dict], model: str, name: str) -> int:
    (pk,) = [
        row["pk"] for row in document if row["model"] == model and row["fields"]["name"] == name
    ]
    return pk


def stored_rows() -> dict[str, list]:
    """Every exported row, and the tasks' assignees."""
    stored = {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in exported_models()
    }
    stored["assignees"] = sorted(Task.assignees.through.objects.values_list("task_id", "user_id"))
    return stored


def assert_imports_nothing(tmp_path, document: object, match: str) -> None:
    empty_database()
    with pytest.raises(CommandError, match=match):
        import_file(tmp_path, document)
    assert not any(model._base_manager.exists() for model in exported_models())


def people_on_boards() -> dict:
    """Ann owns a private board, Bob edits it; tasks there with assignees, history and inboxes."""
    users = get_user_model()
    ann = users.objects.create_user("ann", password="ann-password-1", first_name="Ann")
    bob = users.objects.create_user("bob", password="bob-password-1")
    ops = Board.objects.create(name="Ops", visibility=Visibility.PRIVATE)
    Membership.objects.create(board=ops, user=ann, role=Role.OWNER)
    Membership.objects.create(board=ops, user=bob, role=Role.EDITOR)
    task = task_create(
        name="Rotate keys",
        board=ops,
        assignees=["bob"],
        actor=ann,
        priority="high",
        due_date=timezone.now(),
        context_tags="keys, security",
        phases=[{"name": "Prepare", "todos": [{"name": "List keys", "assignee": "bob"}]}],
    )
    todo_update(todo=Todo.objects.get(name="List keys"), status="done", actor=bob)
    comment_create(task=task, text="**Done** with the list", actor=bob)
    task_update(task=task, status="done", assignees=["ann", "bob"], actor=bob)
    inbox_entry_mark_read(entry=InboxEntry.objects.filter(user=bob).first())
    gone = task_create(name="Gone", board=ops, status="done", actor=ann)
    task_delete(task=gone, actor=bob)  # history and notification outlive it
    token_create(user=ann, name="laptop")
    bot_create(board=ops, name="ops-bot", role=Role.EDITOR, actor=ann)
    PingLog.objects.create(
        task=task, kind=PingKind.FAIL, exit_status=1, body="disk full", actor=bob
    )
    return {"ann": ann, "bob": bob, "ops": ops, "task": task}


def delivery_on_record(people: dict) -> None:
    """Bob's email channel and the board's webhook get a reminder (the outbox writes their
    deliveries), one attempt is on record, Bob is on it, Ann keeps quiet hours, and the server
    has its web push key."""
    ann, bob, task = people["ann"], people["bob"], people["task"]
    board_webhook_create(board=task.board, url="http://127.0.0.1:9/ops-hook", actor=ann)
    webpush.public_key()  # made on first use, kept: exported so subscriptions outlive a move
    bob.notification_channels.create(
        kind=ChannelKind.EMAIL, target="bob@example.com", events=[NotificationType.REMINDER]
    )
    reminder = notification_create(
        task=task, message="Still going?", notification_type=NotificationType.REMINDER
    )
    DeliveryAttempt.objects.create(
        delivery=Delivery.objects.get(notification=reminder, channel__isnull=False),
        started_at=timezone.now(),
        duration_ms=12.5,
        status_code=250,
        succeeded=True,
    )
    notification_acknowledge(notification=reminder, actor=bob)
    NotificationPreferences.objects.create(
        user=ann, time_zone="Europe/Paris", quiet_start=time(22), quiet_end=time(7)
    )


def test_export_import_round_trip_gives_back_the_same_rows(tmp_path, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the board's webhook points at loopback
    call_command("seed_demo", "--tasks", "300", "--seed", "7", stdout=StringIO())
    people = people_on_boards()
    Notification.objects.filter(pk__in=Notification.objects.values("pk")[:5]).delete()
    Task.objects.filter(pk__in=Task.objects.values("pk")[:3]).delete()  # orphans notifications
    delivery_on_record(people)
    before, document = stored_rows(), export()
    assert [label for label, found in before.items() if not found] == []  # every model has rows
    empty_database()
    assert "298 tasks" in import_file(tmp_path, document)
    assert stored_rows() == before  # to the microsecond
    assert export() == document


def test_people_keep_their_password_but_not_groups_or_permissions(tmp_path):
    people = people_on_boards()
    people["ann"].groups.add(Group.objects.create(name="Admins"))
    document = export()
    (ann,) = [user for user in rows(document, "auth.user") if user["username"] == "ann"]
    assert "groups" not in ann and "user_permissions" not in ann
    empty_database()
    import_file(tmp_path, document)
    assert get_user_model().objects.get(username="ann").check_password("ann-password-1")


def test_people_the_model_would_not_validate_still_import(tmp_path):
    # create_user (the shell, scripts) checks no email address.
    get_user_model().objects.create_user("root", email="root@server")
    document = export()
    empty_database()
    import_file(tmp_path, document)
    assert get_user_model().objects.get().email == "root@server"


def test_assignees_history_and_inboxes_come_back_on_their_board(tmp_path):
    people = people_on_boards()
    document = export()
    empty_database()
    import_file(tmp_path, document)
    task = Task.objects.get(pk=people["task"].pk)
    assert task.board.name == "Ops" and task.created_by.username == "ann"
    assert sorted(task.assignees.values_list("username", flat=True)) == ["ann", "bob"]
    assert list(task.changes.values_list("actor_name", "kind")) == [
        ("ann", "created"),
        ("bob", "updated"),
    ]
    assert TaskChange.objects.filter(task=None, kind="deleted", actor_name="bob").exists()
    assert list(task.tags.values_list("name", flat=True)) == ["keys", "security"]
    assert task.phases.get().todos.get().assignee.username == "bob"
    assert task.progress_percent == 100
    comment = Comment.objects.get(author="bob")
    assert (comment.author_user.username, comment.html) == (
        "bob",
        "<p><strong>Done</strong> with the list</p>\n",
    )
    bob_inbox = InboxEntry.objects.filter(user__username="bob")
    assert bob_inbox.filter(read_at__isnull=False).count() == 1


def test_models_come_after_the_models_they_point_at():
    exported = exported_models()
    assert exported[:3] == [get_user_model(), Board, Membership]
    assert set(apps.get_app_config("accounts").get_models()) <= set(exported)
    for index, model in enumerate(exported):
        for field in model._meta.fields:
            if field.is_relation and field.related_model in exported:
                assert exported.index(field.related_model) <= index, (model, field.name)


def test_a_freshly_migrated_database_takes_an_import(tmp_path):
    people_on_boards()
    document = export()
    empty_database()
    default_board()  # as boards 0002 leaves it
    service_account()  # as the first request with the static token leaves it
    assert "2 boards" in import_file(tmp_path, document)
    assert sorted(Board.objects.values_list("name", flat=True)) == ["Main", "Ops"]
    assert Board.objects.get(is_default=True).pk == rows_pk(document, "boards.board", "Main")
    assert not get_user_model().objects.filter(username="api-token").exists()


def test_a_default_board_with_a_member_is_not_empty(tmp_path, user):
    with pytest.raises(CommandError, match="already has 1 users, 1 boards and 1 memberships"):
        import_file(tmp_path, [])
    assert Board.objects.count() == 1


def test_import_refuses_a_database_that_has_tasks(tmp_path, make_task):
    make_task("Keep me")
    with pytest.raises(CommandError, match="already has 1 boards, 1 tasks"):
        import_file(tmp_path, export())
    assert Task.objects.count() == 1


def test_import_refuses_a_database_that_has_a_person(tmp_path):
    get_user_model().objects.create_user("admin")
    with pytest.raises(CommandError, match="already has 1 users;"):
        import_file(tmp_path, [])
    assert get_user_model().objects.count() == 1


# What export_data wrote before boards and people existed.
OLD_EXPORT = [
    {
        "model": "tasks.task",
        "pk": 4,
        "fields": {
            "name": "Back up the staging database",
            "description": "",
            "status": "todo",
            "interval_minutes": 60.0,
            "last_ping": "2026-01-31T09:00:00.123456+00:00",
            "next_reminder_at": None,
            "rank": "V0000000",
            "created_at": "2026-01-31T09:00:00.123456+00:00",
            "updated_at": "2026-01-31T09:00:00.123456+00:00",
        },
    },
    {
        "model": "tasks.task",
        "pk": 7,
        "fields": {
            "name": "Deploy the public API",
            "description": "Agent run",
            "status": "done",
            "interval_minutes": 15.0,
            "last_ping": "2026-02-01T10:00:00+00:00",
            "next_reminder_at": None,
            "rank": "V0000000",
            "created_at": "2026-01-31T10:00:00+00:00",
            "updated_at": "2026-02-01T10:00:00+00:00",
        },
    },
    {
        "model": "notifications.notification",
        "pk": 3,
        "fields": {
            "task": 7,
            "task_name": "Deploy the public API",
            "message": "Task 'Deploy the public API' has been completed!",
            "notification_type": "completion",
            "is_read": True,
            "created_at": "2026-02-01T10:00:00+00:00",
        },
    },
    {
        "model": "notifications.notification",
        "pk": 5,
        "fields": {
            "task": None,
            "task_name": "",
            "message": "Maintenance tonight",
            "notification_type": "system",
            "is_read": False,
            "created_at": "2026-02-02T10:00:00+00:00",
        },
    },
]


def test_an_export_from_before_boards_imports_onto_the_default_board(tmp_path):
    empty_database()
    main = default_board()  # as migrate leaves it
    assert "2 tasks and 2 notifications" in import_file(tmp_path, OLD_EXPORT)
    board = Board.objects.get()
    assert board == main
    assert set(Task.objects.values_list("pk", "board")) == {(4, board.pk), (7, board.pk)}
    assert set(Notification.objects.values_list("pk", "board", "is_read")) == {
        (3, board.pk, True),
        (5, board.pk, False),
    }
    assert not Membership.objects.exists() and not InboxEntry.objects.exists()


def test_an_export_from_before_boards_gets_a_default_board_made_for_it(tmp_path):
    empty_database()
    import_file(tmp_path, OLD_EXPORT)
    board = Board.objects.get()
    assert (board.name, board.visibility, board.is_default) == ("Main", Visibility.PUBLIC, True)
    assert set(Task.objects.values_list("board", flat=True)) == {board.pk}


def test_a_task_without_a_board_in_an_export_with_boards_imports_nothing(tmp_path, make_task):
    make_task("On a board")
    document = export()
    del rows(document, "tasks.task")[0]["board"]
    assert_imports_nothing(tmp_path, document, match="refused a row.*board")


def test_a_dumpdata_file_imports_too(tmp_path, make_task):
    make_task("Dumped", status="done")
    dumped = StringIO()
    call_command("dumpdata", "auth.user", "boards", "tasks", "notifications", stdout=dumped)
    empty_database()
    assert "1 boards, 1 tasks, 1 task changes, 1 comments and 1 notifications" in import_file(
        tmp_path, json.loads(dumped.getvalue())
    )


def test_a_dumpdata_file_with_groups_imports_nothing(tmp_path, user):
    user.groups.add(Group.objects.create(name="Admins"))
    dumped = StringIO()
    call_command("dumpdata", "auth.user", stdout=dumped)
    assert_imports_nothing(
        tmp_path, json.loads(dumped.getvalue()), match=r"object 0 \(auth\.user .*groups"
    )


def test_an_assignee_missing_from_the_export_imports_nothing(tmp_path):
    people_on_boards()
    document = export()
    rows(document, "tasks.task")[0]["assignees"] = [999]
    assert_imports_nothing(tmp_path, document, match=r"(?s)refused a row.*999")


def test_notifications_keep_their_task(tmp_path):
    task = task_create(name="Ship it", status="done")
    document = export()
    empty_database()
    import_file(tmp_path, document)
    assert Notification.objects.get().task_id == task.pk


def test_new_rows_after_an_import_get_fresh_ids(tmp_path):
    people = people_on_boards()
    document = export()
    empty_database()
    import_file(tmp_path, document)
    assert task_create(name="After import").pk > people["task"].pk
    assert get_user_model().objects.create_user("carol").pk > people["bob"].pk
    assert Board.objects.create(name="New").pk > people["ops"].pk


def test_a_bad_row_imports_nothing(tmp_path, make_task):
    make_task("First")
    make_task("Second")
    document = export()
    rows(document, "tasks.task")[1]["status"] = "archived"
    assert_imports_nothing(tmp_path, document, match=r"object \d+ \(tasks\.task .*status")


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
    next(row for row in document if row["model"] == "tasks.task").update(change)
    assert_imports_nothing(tmp_path, document, match=message)


def test_an_unknown_field_imports_nothing(tmp_path, make_task):
    make_task("Extra")
    document = export()
    rows(document, "tasks.task")[0]["colour"] = "red"
    assert_imports_nothing(tmp_path, document, match=r"object \d+ \(tasks\.task .*colour")


@pytest.mark.parametrize(
    "document", [{"tasks": []}, [{"model": "auth.group", "pk": 1, "fields": {}}], ["text"]]
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
