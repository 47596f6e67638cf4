"""/tasks/ and /tasks/{id}: the original's contract, its legacy call forms, and the status side effects."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers as rest_serializers

from notifications.models import Notification
from tasks import serializers
from tasks.models import Task
from tasks.serializers import TaskSerializer
from tasks.services import archived_tasks_purge
from tasks.tests.ordering import column_names

pytestmark = pytest.mark.django_db

# The original's task fields and their JSON types (its README's data model): its clients read these.
ORIGINAL_FIELD_TYPES = {
    "id": int,
    "name": str,
    "description": str,
    "status": str,
    "interval_minutes": (int, float),  # a JSON number; PostgreSQL's json_agg writes 60.0 as 60
    "last_ping": str,  # ISO 8601
    "created_at": str,
}


# A work breakdown for tasks whose answers' query counts are checked: every nested list present.
PHASES = [{"name": "Build", "todos": [{"name": "Compile"}, {"name": "Link", "status": "done"}]}]


def assert_has_the_original_fields(task: dict) -> None:
    for field, json_type in ORIGINAL_FIELD_TYPES.items():
        assert isinstance(task[field], json_type), field


# --- list ---------------------------------------------------------------------------------------


def test_list_is_a_bare_array_of_every_task_by_id(anon_client, make_task):
    first, second = make_task("First"), make_task("Second")
    response = anon_client.get("/tasks/")
    assert response.status_code == 200
    assert [task["id"] for task in response.json()] == [first.pk, second.pk]
    assert list(response.json()[0]) == serializers.ANSWER_FIELDS
    assert_has_the_original_fields(response.json()[0])


def test_list_body_is_field_for_field_the_serializer_output(anon_client, make_task):
    # The full list is written by the database (tasks.json_array); it must match the serializer.
    make_task('Quote " backslash \\ ünïcode\nnewline', interval_minutes=1.5, status="in_progress")
    make_task("Whole second", now=datetime(2026, 1, 31, 9, 0, 0, tzinfo=UTC))
    make_task("Done", description="d", status="done", interval_minutes=525_600)
    response = anon_client.get("/tasks/?ordering=-id")
    assert response["Content-Type"] == "application/json"
    assert response.json() == TaskSerializer(Task.objects.order_by("-id"), many=True).data


def test_empty_list_is_an_empty_array(anon_client):
    assert anon_client.get("/tasks/").json() == []


def test_task_representation_matches_drf_generic_fields(make_task):
    task = make_task("Run", status="in_progress", now=datetime(2026, 1, 31, 9, 0, 0, 5, tzinfo=UTC))
    task.interval_minutes = 15  # an int until reloaded: still written as a float
    serializer = TaskSerializer()
    generic = rest_serializers.ModelSerializer.to_representation(serializer, task)
    assert serializer.to_representation(task) == generic
    assert isinstance(serializer.to_representation(task)["interval_minutes"], float)


def test_list_falls_back_to_the_serializer_for_a_field_the_database_cannot_write(
    anon_client, make_task, monkeypatch, django_assert_num_queries
):
    # What happens when a field is added that tasks.json_array cannot write (a relation, nested).
    monkeypatch.setattr(serializers, "TASK_COLUMNS", None)
    make_task("Run", status="in_progress", context_tags="a", phases=PHASES)
    # The tasks with their creators, their assignees, tags, phases, todos and comments.
    with django_assert_num_queries(6):
        response = anon_client.get("/tasks/")
    assert response.json() == TaskSerializer(Task.objects.all(), many=True).data


@pytest.mark.parametrize("path", ["/tasks", "/tasks/"])
def test_list_answers_with_and_without_slash_without_redirect(anon_client, make_task, path):
    make_task()
    response = anon_client.get(path)
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_list_filters_by_status(anon_client, make_task):
    make_task("Open")
    running = make_task("Running", status="in_progress")
    response = anon_client.get("/tasks/?status=in_progress")
    assert [task["id"] for task in response.json()] == [running.pk]


def test_unknown_status_filter_is_400_listing_allowed_values(anon_client):
    response = anon_client.get("/tasks/?status=later")
    assert response.status_code == 400
    assert "Allowed values: todo, in_progress, done" in response.json()["status"][0]


def test_list_searches_name_and_description_in_any_case(anon_client, make_task):
    by_name = make_task("Deploy API")
    by_description = make_task("Ship", description="after the DEPLOY window")
    make_task("Unrelated")
    response = anon_client.get("/tasks/?search=deploy")
    assert {task["id"] for task in response.json()} == {by_name.pk, by_description.pk}


def test_list_orders_by_the_given_fields(anon_client, make_task):
    make_task("b"), make_task("a"), make_task("c")
    response = anon_client.get("/tasks/?ordering=-name")
    assert [task["name"] for task in response.json()] == ["c", "b", "a"]


def test_ordering_by_priority_follows_its_weight_not_its_name(anon_client, make_task):
    for name, priority in [("h", "high"), ("l", "low"), ("c", "critical"), ("m", "medium")]:
        make_task(name, priority=priority)
    most_urgent_first = anon_client.get("/tasks/?ordering=-priority")
    assert [task["priority"] for task in most_urgent_first.json()] == [
        "critical",
        "high",
        "medium",
        "low",
    ]
    paged = anon_client.get("/tasks/?ordering=priority&limit=2")
    assert [task["priority"] for task in paged.json()] == ["low", "medium"]


@pytest.mark.parametrize("key", ["secret", "description", "-description"])
def test_unknown_ordering_is_400_listing_allowed_fields(anon_client, key):
    response = anon_client.get(f"/tasks/?ordering={key}")
    assert response.status_code == 400
    assert "created_at" in response.json()["ordering"][0]


def test_limit_and_offset_page_a_bare_array_with_link_and_total(anon_client, make_task):
    tasks = [make_task(f"Task {n}") for n in range(5)]
    response = anon_client.get("/tasks/?limit=2&offset=2")
    assert [task["id"] for task in response.json()] == [tasks[2].pk, tasks[3].pk]
    assert response["X-Total-Count"] == "5"
    assert 'limit=2&offset=4>; rel="next"' in response["Link"]
    assert 'rel="prev"' in response["Link"]


def test_last_page_has_no_next_link(anon_client, make_task):
    make_task("Only")
    response = anon_client.get("/tasks/?limit=10")
    assert response["X-Total-Count"] == "1"
    assert "Link" not in response


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("limit=abc", "limit"), ("limit=0", "limit"), ("limit=2&offset=-1", "offset")],
)
def test_bad_paging_parameters_are_400(anon_client, query, parameter):
    response = anon_client.get(f"/tasks/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize("count", [3, 30])
def test_list_takes_one_query_whatever_the_number_of_tasks(
    anon_client, make_task, django_assert_num_queries, count
):
    for n in range(count):
        make_task(f"Task {n}", context_tags="a,b", phases=PHASES)
    with django_assert_num_queries(1):  # with their tags, phases, todos and comments
        assert len(anon_client.get("/tasks/?status=todo&search=task").json()) == count


@pytest.mark.parametrize("count", [3, 30])
def test_paged_list_takes_two_queries_whatever_the_number_of_tasks(
    anon_client, make_task, django_assert_num_queries, count
):
    for n in range(count):
        make_task(f"Task {n}", context_tags="a", phases=PHASES)
    # The total count, and the page with its tags, phases, todos and comments, written by the
    # database (json_array).
    with django_assert_num_queries(2):
        assert len(anon_client.get("/tasks/?limit=2").json()) == 2


def test_a_page_written_by_the_database_is_the_serializers_page(anon_client, make_task):
    for n in range(5):
        make_task(f"Task {n}", context_tags="a", phases=PHASES)
    response = anon_client.get("/tasks/?limit=2&offset=1")
    assert (
        response.json() == TaskSerializer(Task.objects.order_by("rank", "id")[1:3], many=True).data
    )
    assert response["X-Total-Count"] == "5"
    assert 'rel="next"' in response["Link"] and 'rel="prev"' in response["Link"]
    assert anon_client.get("/tasks/?limit=2&offset=9").json() == []
    assert anon_client.get("/tasks/?limit=2&status=done").json() == []


# --- retrieve -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_retrieve_answers_one_task(anon_client, make_task, django_assert_num_queries, suffix):
    task = make_task("Backup", description="nightly", interval_minutes=15, phases=PHASES)
    # The answer with its tags, phases, todos and comments, written by the database (json_array).
    with django_assert_num_queries(1):
        response = anon_client.get(f"/tasks/{task.pk}{suffix}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"], body["description"]) == (task.pk, "Backup", "nightly")
    assert (body["status"], body["interval_minutes"], body["rank"]) == ("todo", 15.0, task.rank)


def test_retrieve_body_is_field_for_field_the_serializer_output(anon_client, make_task, user):
    # One task is written by the database too (tasks.json_array.task_json_object).
    task = make_task('Quote " ünïcode\nnewline', interval_minutes=1.5, status="in_progress")
    task.assignees.add(user)
    other = make_task("Whole second", now=datetime(2026, 1, 31, 9, 0, 0, tzinfo=UTC))
    for each in (task, other):
        response = anon_client.get(f"/tasks/{each.pk}")
        assert response["Content-Type"] == "application/json"
        assert response.json() == TaskSerializer(Task.objects.get(pk=each.pk)).data


def test_retrieve_falls_back_to_the_serializer_for_a_field_the_database_cannot_write(
    anon_client, make_task, monkeypatch
):
    monkeypatch.setattr(serializers, "TASK_COLUMNS", None)
    task = make_task("Run", status="in_progress")
    response = anon_client.get(f"/tasks/{task.pk}")
    assert response.json() == TaskSerializer(task).data


def test_browsable_api_still_renders_one_task(anon_client, make_task):
    task = make_task("Run")
    response = anon_client.get(f"/tasks/{task.pk}", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Run" in response.content


@pytest.mark.parametrize("task_id", ["12345", "abc", "5.5", "-1", "99999999999999999999999", "%00"])
def test_unknown_or_malformed_id_is_404_task_not_found(anon_client, task_id):
    response = anon_client.get(f"/tasks/{task_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Task not found"}


# --- create -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/tasks", "/tasks/"])
def test_create_answers_200_with_the_task_and_its_location(token_client, path):
    response = token_client.post(
        path, {"name": "Backup", "description": "db", "interval_minutes": 30}
    )
    assert response.status_code == 200
    task = Task.objects.get()
    assert response["Location"] == f"/tasks/{task.pk}"
    assert response.json()["name"] == "Backup"
    assert response.json()["interval_minutes"] == 30.0
    assert list(response.json()) == serializers.ANSWER_FIELDS
    assert_has_the_original_fields(response.json())


def test_create_defaults_to_todo_every_hour_at_the_end_of_the_column(token_client, make_task):
    there = make_task("Already there")
    body = token_client.post("/tasks/", {"name": "New"}).json()
    assert (body["status"], body["interval_minutes"]) == ("todo", 60.0)
    assert body["rank"] > there.rank
    assert body["next_reminder_at"] is None


def test_create_in_progress_schedules_the_first_reminder(token_client):
    token_client.post("/tasks/", {"name": "Run", "status": "in_progress", "interval_minutes": 10})
    task = Task.objects.get()
    assert task.next_reminder_at == task.last_ping + task.interval


def test_create_done_writes_one_completion_notification(token_client):
    token_client.post("/tasks/", {"name": "Finished", "status": "done"})
    assert Notification.objects.get().message == "Task 'Finished' has been completed!"


def test_create_at_a_position_goes_above_the_card_there(token_client, make_task):
    make_task("Top"), make_task("Below")
    token_client.post("/tasks/", {"name": "New top", "position": 0})
    assert column_names("todo") == ["New top", "Top", "Below"]


def test_create_before_a_card_goes_just_above_it(token_client, make_task):
    make_task("One"), make_task("Two")
    two = Task.objects.get(name="Two")
    token_client.post("/tasks/", {"name": "New", "before": two.pk})
    assert column_names("todo") == ["One", "New", "Two"]


def test_unknown_fields_are_ignored(token_client):
    response = token_client.post("/tasks/", {"name": "Backup", "owner": "bob", "id": 999})
    assert response.status_code == 200
    assert response.json()["id"] != 999


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "description": "d" * 10_001}, "description"),
        ({"name": "ok", "interval_minutes": 0}, "interval_minutes"),
        ({"name": "ok", "interval_minutes": -5}, "interval_minutes"),
        ({"name": "ok", "interval_minutes": 525_601}, "interval_minutes"),
        ({"name": "ok", "interval_minutes": "soon"}, "interval_minutes"),
        ({"name": "ok", "interval_minutes": 10**400}, "interval_minutes"),
        ({"name": "ok", "position": -1}, "position"),
        ({"name": "nul\x00byte"}, "name"),
    ],
)
def test_invalid_fields_are_400_naming_the_field(token_client, body, field):
    response = token_client.post("/tasks/", body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Task.objects.exists()


def test_invalid_status_is_400_listing_allowed_values(token_client):
    response = token_client.post("/tasks/", {"name": "ok", "status": "later"})
    assert response.json() == {
        "status": ['"later" is not a valid status. Allowed values: todo, in_progress, done.']
    }


def test_body_that_is_not_an_object_is_400(token_client):
    response = token_client.post("/tasks/", [1, 2], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


# --- PATCH --------------------------------------------------------------------------------------


def test_patch_in_progress_pings_and_schedules_the_reminder(token_client, make_task):
    task = make_task()
    response = token_client.patch(f"/tasks/{task.pk}", {"status": "in_progress"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert task.next_reminder_at == task.last_ping + task.interval
    assert response.json()["next_reminder_at"] is not None


def test_patch_leaving_in_progress_clears_the_schedule(token_client, make_task):
    task = make_task(status="in_progress")
    token_client.patch(f"/tasks/{task.pk}/", {"status": "todo"})
    task.refresh_from_db()
    assert task.next_reminder_at is None


def test_patch_done_writes_one_completion_notification(token_client, make_task):
    task = make_task("Report", status="in_progress")
    token_client.patch(f"/tasks/{task.pk}", {"status": "done"})
    token_client.patch(f"/tasks/{task.pk}", {"status": "done"})  # already done: no second one
    assert list(Notification.objects.values_list("message", flat=True)) == [
        "Task 'Report' has been completed!"
    ]


def test_legacy_patch_with_status_in_query_and_empty_json_body(token_client, make_task):
    # The original's clients: PATCH /tasks/5?status=done, Content-Type: application/json, no body.
    task = make_task("Report")
    response = token_client.patch(f"/tasks/{task.pk}?status=done", content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert Notification.objects.filter(task=task, notification_type="completion").count() == 1


def test_body_wins_over_query_parameters(token_client, make_task):
    task = make_task()
    response = token_client.patch(f"/tasks/{task.pk}?status=done", {"status": "in_progress"})
    assert response.json()["status"] == "in_progress"


def test_patch_status_and_position_moves_the_card_into_place(token_client, make_task):
    # Earlier clients' form: a status and a 0-based index among the target column's other cards.
    make_task("One", status="in_progress"), make_task("Two", status="in_progress")
    moved = make_task("Moved")
    token_client.patch(f"/tasks/{moved.pk}", {"status": "in_progress", "position": 1})
    assert column_names("in_progress") == ["One", "Moved", "Two"]


def test_patch_with_invalid_status_changes_nothing(token_client, make_task):
    task = make_task()
    response = token_client.patch(f"/tasks/{task.pk}?status=later", content_type="application/json")
    assert response.status_code == 400
    assert "Allowed values" in response.json()["status"][0]
    task.refresh_from_db()
    assert task.status == "todo"


def test_patch_unknown_task_is_404(token_client):
    response = token_client.patch("/tasks/999", {"status": "done"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Task not found"}


# --- PUT ----------------------------------------------------------------------------------------


def test_legacy_put_with_query_parameters_changes_only_those_fields(token_client, make_task):
    # The original's form: PUT /tasks/5?name=New&interval_minutes=30, no body.
    task = make_task("Old", description="keep me", interval_minutes=60)
    response = token_client.put(f"/tasks/{task.pk}?name=New&interval_minutes=30")
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.name, task.description, task.interval_minutes) == ("New", "keep me", 30.0)


def test_put_with_json_body_edits_details(token_client, make_task):
    task = make_task("Old")
    response = token_client.put(
        f"/tasks/{task.pk}/", {"name": "New", "description": "d", "interval_minutes": 5}
    )
    assert response.json()["name"] == "New"
    assert response.json()["description"] == "d"
    assert response.json()["status"] == "todo"


def test_put_new_interval_reschedules_a_running_task(token_client, make_task):
    task = make_task(status="in_progress", interval_minutes=60)
    token_client.put(f"/tasks/{task.pk}", {"interval_minutes": 5})
    task.refresh_from_db()
    assert task.next_reminder_at == task.last_ping + task.interval


def test_put_with_invalid_interval_in_query_is_400(token_client, make_task):
    task = make_task()
    response = token_client.put(f"/tasks/{task.pk}?interval_minutes=nan")
    assert response.status_code == 400
    assert "interval_minutes" in response.json()


# --- DELETE -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_delete_answers_the_original_message(token_client, make_task, suffix):
    task = make_task()
    response = token_client.delete(f"/tasks/{task.pk}{suffix}")
    assert response.status_code == 200
    assert response.json() == {"message": "Task deleted successfully", "task_id": task.pk}
    assert not Task.objects.exists()


def test_delete_keeps_the_task_notifications(token_client, make_task):
    task = make_task("Shipped", status="done")
    token_client.delete(f"/tasks/{task.pk}")
    archived_tasks_purge(now=timezone.now() + timedelta(days=31), retention_days=30)
    notification = Notification.objects.get()
    assert (notification.task_id, notification.task_name) == (None, "Shipped")


def test_delete_unknown_task_is_404(token_client):
    assert token_client.delete("/tasks/999").json() == {"detail": "Task not found"}


# --- every method, with and without the slash ---------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("suffix", ["", "/"])
def test_detail_answers_every_method_on_both_forms_without_redirect(
    token_client, make_task, method, suffix
):
    task = make_task()
    response = getattr(token_client, method)(f"/tasks/{task.pk}{suffix}", {"name": "Renamed"})
    assert response.status_code == 200


# --- moves by anchor -----------------------------------------------------------------------------


@pytest.fixture
def todo_column(make_task):
    return [make_task(name) for name in ["A", "B", "C"]]


def test_patch_before_a_card_puts_the_task_just_above_it(token_client, todo_column):
    a, _, c = todo_column
    response = token_client.patch(
        f"/tasks/{c.pk}", {"status": "todo", "before": a.pk}, format="json"
    )
    assert response.status_code == 200
    assert column_names("todo") == ["C", "A", "B"]


def test_patch_after_a_card_without_a_status_stays_in_the_column(token_client, todo_column):
    a, b, _ = todo_column
    token_client.patch(f"/tasks/{a.pk}", {"after": b.pk}, format="json")
    assert column_names("todo") == ["B", "A", "C"]


def test_patch_into_another_column_after_a_card(token_client, todo_column, make_task):
    first = make_task("First", status="done")
    make_task("Second", status="done")
    response = token_client.patch(
        f"/tasks/{todo_column[0].pk}", {"status": "done", "after": first.pk}, format="json"
    )
    assert response.json()["status"] == "done"
    assert column_names("done") == ["First", "A", "Second"]


def test_the_original_query_form_takes_an_anchor_too(token_client, todo_column):
    a, _, c = todo_column
    token_client.patch(f"/tasks/{c.pk}?before={a.pk}", content_type="application/json")
    assert column_names("todo") == ["C", "A", "B"]


def test_an_anchor_in_another_column_is_400_saying_where_it_is(
    token_client, todo_column, make_task
):
    elsewhere = make_task("Elsewhere", status="in_progress")
    response = token_client.patch(
        f"/tasks/{todo_column[0].pk}", {"status": "done", "before": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "before": [
            f"Task {elsewhere.pk} is in In Progress, not in Done: name a card of the column the "
            "task moves to, or leave before out."
        ]
    }
    assert Task.objects.get(pk=todo_column[0].pk).status == "todo"


def test_a_missing_anchor_is_400_and_nothing_moves(token_client, todo_column):
    response = token_client.patch(
        f"/tasks/{todo_column[0].pk}", {"status": "done", "after": 999_999}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "after": ["There is no task 999999 on this board to place the card after."]
    }
    assert column_names("todo") == ["A", "B", "C"]


def test_the_task_itself_as_its_anchor_is_400(token_client, todo_column):
    a = todo_column[0]
    response = token_client.patch(f"/tasks/{a.pk}", {"before": a.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"before": ["A card cannot be placed next to itself."]}


def test_before_and_after_together_are_400(token_client, todo_column):
    a, b, c = todo_column
    response = token_client.patch(f"/tasks/{c.pk}", {"before": a.pk, "after": b.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"before", "after"}


def test_an_anchor_on_create_in_another_column_is_400_and_creates_nothing(
    token_client, todo_column
):
    response = token_client.post(
        "/tasks/", {"name": "New", "status": "done", "after": todo_column[0].pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["after"]
    assert not Task.objects.filter(name="New").exists()


def test_ordering_by_position_is_the_rank_order(anon_client, todo_column):
    ids = [task["id"] for task in anon_client.get("/tasks/?ordering=position").json()]
    assert ids == [task.pk for task in todo_column]


@pytest.mark.parametrize("interval", [1e-9, 0, 0.01])
def test_an_interval_under_one_second_is_400_saying_the_floor(token_client, make_task, interval):
    created = token_client.post("/tasks/", {"name": "Flood", "interval_minutes": interval})
    changed = token_client.patch(f"/tasks/{make_task().pk}", {"interval_minutes": interval})
    for response in (created, changed):
        assert response.status_code == 400
        assert "at least one second" in response.json()["interval_minutes"][0]
    assert not Task.objects.filter(name="Flood").exists()


def test_an_interval_of_one_second_is_accepted(token_client):
    response = token_client.post("/tasks/", {"name": "Fast", "interval_minutes": 1 / 60})
    assert response.status_code == 200
    assert response.json()["interval_minutes"] == 1 / 60


@pytest.mark.parametrize("interval", [1 / 60, 0.1, 2.5, 1e-7 + 1, 1440.0])
def test_reads_give_an_interval_back_exactly(anon_client, make_task, interval):
    task = make_task("Fast", interval_minutes=interval)
    assert anon_client.get(f"/tasks/{task.pk}").json()["interval_minutes"] == interval
    assert anon_client.get("/tasks/").json()[0]["interval_minutes"] == interval


def test_a_created_or_changed_task_is_answered_as_a_read_answers_it(token_client):
    created = token_client.post(
        "/tasks/", {"name": "Ship", "context_tags": "release", "phases": PHASES}, format="json"
    )
    assert created.status_code == 200
    assert created["Location"] == f"/tasks/{created.json()['id']}"
    read = token_client.get(created["Location"])
    assert created.json() == read.json()
    moved = token_client.patch(created["Location"], {"status": "in_progress"}, format="json")
    assert moved.status_code == 200
    assert moved.json() == token_client.get(created["Location"]).json()
    assert moved.json()["status"] == "in_progress"


def test_a_write_answers_without_prefetching_the_breakdown(token_client, make_task):
    """The answer of a write is one query of the database's JSON (tasks.json_array), not the
    serializer's reads of tags, phases and comments, one query each."""
    task = make_task("Ship", phases=PHASES)
    with CaptureQueriesContext(connection) as writes:
        token_client.patch(f"/tasks/{task.pk}", {"status": "done"}, format="json")
        token_client.delete(f"/tasks/{task.pk}")
    prefetches = [
        query["sql"]
        for query in writes.captured_queries
        if query["sql"].startswith(('SELECT "tasks_phase"', 'SELECT "tasks_tasktag"'))
    ]
    assert prefetches == []


def test_the_browsable_api_answers_a_write_from_the_serializer(token_client, make_task):
    task = make_task("Ship")
    response = token_client.patch(f"/tasks/{task.pk}?format=api", {"status": "done"}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "done"
