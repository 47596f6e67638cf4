"""The original's work breakdown on the API: task fields, phases and todos, progress, comments."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from boards.models import Visibility
from boards.tests.cast import board_with_cast, make_people
from tasks.breakdown import progress_percent
from tasks.models import Comment, CommentKind, Phase, Task, Todo
from tasks.serializers import TaskSerializer
from tasks.services import task_create

pytestmark = pytest.mark.django_db

BREAKDOWN = {
    "name": "Release 2.0",
    "priority": "high",
    "due_date": "2026-12-24T18:00:00Z",
    "context_tags": "release, backend,release",
    "definition_of_done": "Tagged and deployed",
    "phases": [
        {
            "name": "Build",
            "status": "not_started",
            "order": 1,
            "todos": [{"name": "Compile", "status": "done"}, {"name": "Test", "status": "todo"}],
        },
        {"name": "Ship", "order": 2, "todos": [{"name": "Deploy"}]},
    ],
}


def create(client, body=BREAKDOWN) -> dict:
    response = client.post("/tasks/", body, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


# --- task fields ----------------------------------------------------------------------------------


def test_new_task_has_the_originals_defaults(token_client):
    task = create(token_client, {"name": "Plain"})
    assert (task["priority"], task["due_date"], task["progress_percent"]) == ("medium", None, 0)
    assert (task["context_tags"], task["tags"], task["definition_of_done"]) == (None, [], None)
    assert task["phases"] == []


def test_create_takes_the_originals_fields(token_client):
    task = create(token_client)
    assert (task["priority"], task["due_date"]) == ("high", "2026-12-24T18:00:00Z")
    assert task["context_tags"] == "release, backend,release"
    assert task["tags"] == ["release", "backend"]
    assert task["definition_of_done"] == "Tagged and deployed"


def test_create_makes_phases_and_todos_in_order(token_client):
    task = create(token_client)
    assert [phase["name"] for phase in task["phases"]] == ["Build", "Ship"]
    build = task["phases"][0]
    assert [(t["name"], t["status"]) for t in build["todos"]] == [
        ("Compile", "done"),
        ("Test", "todo"),
    ]
    assert build["task_id"] == task["id"] and build["todos"][0]["phase_id"] == build["id"]


def test_a_new_phase_follows_the_todos_it_came_with(token_client):
    task = create(token_client)
    assert [phase["status"] for phase in task["phases"]] == ["in_progress", "not_started"]


def test_create_computes_the_progress(token_client):
    # Build: 1 of 2 todos done (25 of its 50), Ship: none.
    assert create(token_client)["progress_percent"] == 25


def test_create_writes_a_system_comment(token_client):
    comments = create(token_client)["comments"]
    assert [(c["author"], c["kind"], c["text"]) for c in comments] == [
        ("system", "system", "Task 'Release 2.0' created")
    ]


@pytest.mark.parametrize(
    ("body", "field", "allowed"),
    [
        ({"name": "x", "priority": "urgent"}, "priority", "low, medium, high, critical"),
        ({"name": "x", "phases": [{"name": "P", "status": "done"}]}, "phases", "blocked"),
        (
            {
                "name": "x",
                "phases": [{"name": "P", "todos": [{"name": "T", "status": "completed"}]}],
            },
            "phases",
            "todo, in_progress, done",
        ),
    ],
)
def test_an_unknown_value_is_400_listing_the_allowed_ones(token_client, body, field, allowed):
    response = token_client.post("/tasks/", body, format="json")
    assert response.status_code == 400
    assert allowed in str(response.json()[field])
    assert not Task.objects.exists()


def test_a_bad_todo_creates_nothing_at_all(token_client):
    body = {"name": "x", "phases": [{"name": "P", "todos": [{"name": "T", "assignee": "nobody"}]}]}
    assert token_client.post("/tasks/", body, format="json").status_code == 400
    assert (Task.objects.count(), Phase.objects.count(), Comment.objects.count()) == (0, 0, 0)


def test_patch_changes_priority_due_date_and_tags(token_client, make_task):
    task = make_task(context_tags="a")
    body = {"priority": "critical", "due_date": None, "context_tags": "b, c"}
    answer = token_client.patch(f"/tasks/{task.pk}", body, format="json").json()
    assert (answer["priority"], answer["tags"]) == ("critical", ["b", "c"])


def test_patch_with_phases_is_400(token_client, make_task):
    task = make_task()
    response = token_client.patch(f"/tasks/{task.pk}", {"phases": []}, format="json")
    assert response.status_code == 400 and "phases" in response.json()


def test_list_filters_by_tag_and_priority(anon_client, make_task):
    tagged = make_task("A", context_tags="ops,db", priority="high")
    make_task("B", context_tags="ops", priority="low")
    make_task("C", context_tags="dbx")
    answer = anon_client.get("/tasks/?tag=db").json()
    assert [task["id"] for task in answer] == [tagged.pk]
    assert len(anon_client.get("/tasks/?tag=ops&priority=low").json()) == 1


def test_list_of_tasks_with_a_breakdown_matches_the_serializer(anon_client, token_client):
    create(token_client)
    create(token_client, {"name": "Second", "phases": [{"name": "Empty"}]})
    token_client.post(
        f"/tasks/{Task.objects.first().pk}/comments", {"text": "**hi**"}, format="json"
    )
    Todo.objects.update(created_at=datetime(2026, 1, 31, 9, 0, 0, tzinfo=UTC))
    answer = anon_client.get("/tasks/").json()
    from tasks.selectors import tasks_with_breakdown, tasks_with_people

    expected = TaskSerializer(
        tasks_with_breakdown(tasks_with_people(Task.objects.all())), many=True
    )
    assert answer == expected.data


# --- progress -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phases", "percent"),
    [
        ([], 0),
        ([("completed", ["todo"])], 100),
        ([("blocked", ["done", "done"])], 0),
        ([("in_progress", ["done", "todo", "todo"])], 33),
        ([("not_started", ["done", "todo"]), ("completed", [])], 75),
        ([("not_started", []), ("in_progress", [])], 0),
        ([("completed", []), ("blocked", []), ("in_progress", ["done"])], 67),
    ],
)
def test_progress_as_the_original_computes_it(phases, percent):
    assert progress_percent(phases) == percent


# --- todos ----------------------------------------------------------------------------------------


def test_patch_todo_answers_the_todo(token_client):
    task = create(token_client)
    todo_id = task["phases"][0]["todos"][1]["id"]
    answer = token_client.patch(f"/todos/{todo_id}", {"status": "done"}, format="json").json()
    assert (answer["id"], answer["status"], answer["name"]) == (todo_id, "done", "Test")


def test_all_todos_done_completes_the_phase_and_the_progress(token_client):
    task = create(token_client)
    todo_id = task["phases"][0]["todos"][1]["id"]
    token_client.patch(f"/todos/{todo_id}", {"status": "done"}, format="json")
    task = token_client.get(f"/tasks/{task['id']}").json()
    assert task["phases"][0]["status"] == "completed"
    assert task["progress_percent"] == 50


def test_a_started_todo_starts_its_phase(token_client):
    task = create(token_client)
    todo_id = task["phases"][1]["todos"][0]["id"]
    token_client.patch(f"/todos/{todo_id}", {"status": "in_progress"}, format="json")
    assert Phase.objects.get(pk=task["phases"][1]["id"]).status == "in_progress"


def test_a_blocked_phase_stays_blocked_when_its_todos_change(token_client):
    task = create(token_client)
    phase = task["phases"][1]
    token_client.patch(f"/phases/{phase['id']}", {"status": "blocked"}, format="json")
    token_client.patch(f"/todos/{phase['todos'][0]['id']}", {"status": "done"}, format="json")
    assert Phase.objects.get(pk=phase["id"]).status == "blocked"


def test_a_todo_status_change_writes_a_system_comment(token_client):
    task = create(token_client)
    todo_id = task["phases"][1]["todos"][0]["id"]
    token_client.patch(f"/todos/{todo_id}", {"status": "in_progress"}, format="json")
    texts = list(Comment.objects.filter(kind=CommentKind.SYSTEM).values_list("text", flat=True))
    assert "Todo 'Deploy' status changed from 'todo' to 'in_progress'" in texts
    assert "Phase 'Ship' status changed from 'not_started' to 'in_progress'" in texts


def test_an_unknown_todo_status_is_400_listing_the_allowed_ones(token_client):
    todo_id = create(token_client)["phases"][0]["todos"][0]["id"]
    response = token_client.patch(f"/todos/{todo_id}", {"status": "finished"}, format="json")
    assert response.status_code == 400
    assert "Allowed values: todo, in_progress, done." in response.json()["status"][0]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/todos/999999", "Todo not found"),
        ("/phases/999999", "Phase not found"),
        ("/tasks/999999/comments", "Task not found"),
        ("/comments/999999", "Comment not found"),
    ],
)
def test_unknown_ids_are_404_with_the_originals_messages(token_client, path, message):
    response = token_client.patch(path, {"status": "done"}, format="json")
    if path.endswith("/comments"):
        response = token_client.post(path, {"text": "x"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": message}


def test_add_rename_and_delete_a_todo(token_client):
    phase = create(token_client)["phases"][1]
    added = token_client.post(f"/phases/{phase['id']}/todos", {"name": "Announce"}, format="json")
    assert added.status_code == 201 and added.json()["order"] == 1
    todo_id = added.json()["id"]
    renamed = token_client.patch(f"/todos/{todo_id}", {"name": "Tweet"}, format="json").json()
    assert renamed["name"] == "Tweet"
    deleted = token_client.delete(f"/todos/{todo_id}").json()
    assert deleted == {"message": "Todo deleted", "todo_id": todo_id}
    assert not Todo.objects.filter(pk=todo_id).exists()


def test_a_todo_is_assigned_to_a_board_member_only(token_client, user):
    todo_id = create(token_client)["phases"][0]["todos"][0]["id"]
    assigned = token_client.patch(f"/todos/{todo_id}", {"assignee": "alice"}, format="json")
    assert assigned.json()["assignee"] == "alice"
    refused = token_client.patch(f"/todos/{todo_id}", {"assignee": "mallory"}, format="json")
    assert refused.status_code == 400 and "mallory" in refused.json()["assignee"][0]


# --- phases ---------------------------------------------------------------------------------------


def test_completing_a_phase_marks_its_todos_done(token_client):
    task = create(token_client)
    phase = task["phases"][0]
    answer = token_client.patch(f"/phases/{phase['id']}", {"status": "completed"}, format="json")
    assert answer.status_code == 200
    assert {todo["status"] for todo in answer.json()["todos"]} == {"done"}
    assert Task.objects.get(pk=task["id"]).progress_percent == 50


def test_a_phase_status_change_writes_a_system_comment(token_client):
    phase = create(token_client)["phases"][1]
    token_client.patch(f"/phases/{phase['id']}", {"status": "blocked"}, format="json")
    assert Comment.objects.filter(
        text="Phase 'Ship' status changed from 'not_started' to 'blocked'"
    ).exists()


def test_an_unknown_phase_status_is_400_listing_the_allowed_ones(token_client):
    phase = create(token_client)["phases"][1]
    response = token_client.patch(f"/phases/{phase['id']}", {"status": "done"}, format="json")
    assert response.status_code == 400
    assert "not_started, in_progress, completed, blocked" in response.json()["status"][0]


def test_add_a_phase_at_the_end_with_its_todos(token_client):
    task = create(token_client)
    body = {"name": "Announce", "todos": [{"name": "Blog", "status": "done"}]}
    answer = token_client.post(f"/tasks/{task['id']}/phases", body, format="json")
    assert answer.status_code == 201
    assert (answer.json()["order"], answer.json()["status"]) == (3, "completed")
    assert Task.objects.get(pk=task["id"]).progress_percent == 50  # (50 + 0 + 100) / 3


def test_rename_reorder_and_delete_a_phase(token_client):
    task = create(token_client)
    phase_id = task["phases"][0]["id"]
    token_client.patch(f"/phases/{phase_id}", {"name": "Compile", "order": 9}, format="json")
    names = [p["name"] for p in token_client.get(f"/tasks/{task['id']}").json()["phases"]]
    assert names == ["Ship", "Compile"]
    assert token_client.delete(f"/phases/{phase_id}").json()["phase_id"] == phase_id
    assert Task.objects.get(pk=task["id"]).progress_percent == 0


# --- comments -------------------------------------------------------------------------------------


def test_post_comment_answers_the_comment_as_the_original(token_client, make_task):
    task = make_task()
    response = token_client.post(
        f"/tasks/{task.pk}/comments", {"text": "Halfway", "author": "agent"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["task_id"], body["text"], body["author"]) == (task.pk, "Halfway", "agent")
    assert body["timestamp"].endswith("Z")


def test_a_comment_without_author_is_the_originals_system(token_client, make_task):
    task = make_task()
    body = token_client.post(f"/tasks/{task.pk}/comments", {"text": "x"}, format="json").json()
    assert (body["author"], body["kind"]) == ("system", "comment")


def test_a_persons_comment_is_theirs_whatever_author_says(user, make_task):
    client = APIClient()
    client.force_authenticate(user)
    task = make_task()
    body = {"text": "mine", "author": "system"}
    answer = client.post(f"/tasks/{task.pk}/comments", body, format="json").json()
    assert (answer["author"], answer["author_user"]) == ("alice", "alice")


def test_get_comments_lists_them_oldest_first(anon_client, token_client, make_task):
    task = make_task()
    for text in ("one", "two"):
        token_client.post(f"/tasks/{task.pk}/comments", {"text": text}, format="json")
    texts = [c["text"] for c in anon_client.get(f"/tasks/{task.pk}/comments").json()]
    assert texts == ["Task 'Write report' created", "one", "two"]


def test_comment_markdown_is_rendered_without_raw_html(token_client, make_task):
    task = make_task()
    text = "**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    body = token_client.post(f"/tasks/{task.pk}/comments", {"text": text}, format="json").json()
    assert "<strong>bold</strong>" in body["html"]
    assert "<script" not in body["html"] and "javascript:" not in body["html"].replace(
        "[x](javascript:alert(1))", ""
    )


def test_only_the_author_edits_or_deletes_a_comment(user, make_task):
    task = make_task()
    alice = APIClient()
    alice.force_authenticate(user)
    comment_id = alice.post(f"/tasks/{task.pk}/comments", {"text": "v1"}, format="json").json()[
        "id"
    ]
    edited = alice.patch(f"/comments/{comment_id}", {"text": "v2"}, format="json").json()
    assert (edited["text"], edited["edited_at"] is not None) == ("v2", True)
    system_id = Comment.objects.get(kind=CommentKind.SYSTEM).pk
    assert alice.delete(f"/comments/{system_id}").status_code == 403
    assert alice.delete(f"/comments/{comment_id}").status_code == 200
    assert not Comment.objects.filter(pk=comment_id).exists()


# --- access ---------------------------------------------------------------------------------------


@pytest.fixture
def private_task(db):
    people = make_people()
    board = board_with_cast(people, name="Ops", visibility=Visibility.PRIVATE)
    task = task_create(
        name="Secret", board=board, phases=BREAKDOWN["phases"], actor=people["owner"]
    )
    return people, task


def as_(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def test_a_hidden_boards_breakdown_is_404(private_task):
    people, task = private_task
    todo = Todo.objects.filter(phase__task=task).first()
    outsider = as_(people["outsider"])
    assert outsider.get(f"/tasks/{task.pk}/comments").status_code == 404
    assert outsider.patch(f"/todos/{todo.pk}", {"status": "done"}, format="json").status_code == 404
    assert (
        outsider.patch(f"/phases/{todo.phase_id}", {"status": "blocked"}, format="json").status_code
        == 404
    )
    assert APIClient().get(f"/tasks/{task.pk}/timeline").status_code == 404


def test_a_viewer_reads_but_does_not_write_the_breakdown(private_task):
    people, task = private_task
    todo = Todo.objects.filter(phase__task=task).first()
    viewer = as_(people["viewer"])
    assert viewer.get(f"/tasks/{task.pk}/comments").status_code == 200
    assert viewer.patch(f"/todos/{todo.pk}", {"status": "done"}, format="json").status_code == 403
    assert (
        viewer.post(f"/tasks/{task.pk}/comments", {"text": "x"}, format="json").status_code == 403
    )
    assert (
        viewer.post(f"/phases/{todo.phase_id}/todos", {"name": "x"}, format="json").status_code
        == 403
    )


def test_an_editor_changes_a_todo(private_task):
    people, task = private_task
    todo = Todo.objects.filter(phase__task=task).first()
    response = as_(people["editor"]).patch(f"/todos/{todo.pk}", {"status": "todo"}, format="json")
    assert response.status_code == 200


def test_comments_list_takes_a_fixed_number_of_queries(
    anon_client, token_client, make_task, django_assert_num_queries
):
    task = make_task()
    for n in range(5):
        token_client.post(f"/tasks/{task.pk}/comments", {"text": f"c{n}"}, format="json")
    with django_assert_num_queries(2):  # the task (a 404 if hidden), its comments with authors
        assert len(anon_client.get(f"/tasks/{task.pk}/comments").json()) == 6
