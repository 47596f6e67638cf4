"""Tasks have people: a board, a creator, assignees who must be members, and a history of who
changed what; everything on a board nobody let you see is a 404."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from boards.access import default_board
from boards.models import Board, Membership, Role, Visibility
from tasks.models import Task, TaskChange, TaskChangeKind
from tasks.services import task_create

pytestmark = pytest.mark.django_db


def person(username: str, board: Board | None = None, role: str | None = None):
    user = get_user_model().objects.create_user(username, password=f"{username}-password-1")
    if board is not None:
        Membership.objects.create(board=board, user=user, role=role)
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def private_board() -> Board:
    return Board.objects.create(name="Ops", visibility=Visibility.PRIVATE)


def test_a_task_named_no_board_lands_on_the_default_board(token_client):
    body = token_client.post("/tasks/", {"name": "Nightly backup"}).json()
    assert body["board"] == default_board().pk
    assert body["created_by"] == "api-token"  # the static token's service account


def test_assignees_are_usernames_of_members(user):
    dave = person("dave", default_board(), Role.VIEWER)
    body = client_for(user).post("/tasks/", {"name": "Deploy", "assignees": ["dave", "alice"]})
    assert body.status_code == 200
    assert body.json()["assignees"] == ["alice", "dave"]
    assert body.json()["created_by"] == "alice"
    assert set(Task.objects.get().assignees.all()) == {user, dave}


def test_assigning_someone_outside_the_board_is_a_400_naming_them(user, private_board):
    person("erin", private_board, Role.EDITOR)
    response = client_for(user).post("/tasks/", {"name": "Deploy", "assignees": ["erin", "zed"]})
    assert response.status_code == 400
    assert "'erin', 'zed'" in response.json()["assignees"][0]
    assert not Task.objects.exists()


def test_patch_replaces_the_assignees_and_records_who_did_it(user):
    person("dave", default_board(), Role.EDITOR)
    task = task_create(name="Deploy", assignees=["alice"])
    response = client_for(user).patch(f"/tasks/{task.pk}", {"assignees": ["dave"]})
    assert response.json()["assignees"] == ["dave"]
    change = TaskChange.objects.filter(task=task, kind=TaskChangeKind.UPDATED).get()
    assert (change.actor, change.actor_name) == (user, "alice")
    assert change.changes == {"assignees": [["alice"], ["dave"]]}


def test_every_write_is_recorded_with_its_actor(token_client, user):
    task_id = token_client.post("/tasks/", {"name": "Backup"}).json()["id"]
    client_for(user).patch(f"/tasks/{task_id}", {"status": "in_progress", "name": "Backups"})
    token_client.delete(f"/tasks/{task_id}")
    history = list(TaskChange.objects.values_list("kind", "actor_name", "task_number", "changes"))
    assert history == [
        ("created", "api-token", task_id, {}),
        (
            "updated",
            "alice",
            task_id,
            {"name": ["Backup", "Backups"], "status": ["todo", "in_progress"]},
        ),
        ("archived", "api-token", task_id, {}),
    ]


def test_list_filters_by_assignee_me_and_none(user):
    person("dave", default_board(), Role.EDITOR)
    mine = task_create(name="Mine", assignees=["alice"])
    theirs = task_create(name="Theirs", assignees=["dave"])
    nobodys = task_create(name="Nobody's")
    client = client_for(user)

    def ids(query: str) -> list[int]:
        return [task["id"] for task in client.get(f"/tasks/?{query}").json()]

    assert ids("assignee=me") == [mine.pk]
    assert ids("assignee=dave") == [theirs.pk]
    assert ids("assignee=none") == [nobodys.pk]


def test_list_filters_by_board_and_shows_only_readable_boards(anon_client, private_board):
    public = task_create(name="On Main")
    task_create(name="Secret", board=private_board)
    assert [task["id"] for task in anon_client.get("/tasks/").json()] == [public.pk]
    response = anon_client.get(f"/tasks/?board={private_board.pk}")
    assert (response.status_code, response.json()) == (404, {"detail": "Board not found"})


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_a_task_on_a_board_you_cannot_see_is_404_on_every_path(user, private_board, method):
    task = task_create(name="Secret", board=private_board)
    response = getattr(client_for(user), method)(f"/tasks/{task.pk}", {"name": "Mine now"})
    assert (response.status_code, response.json()) == (404, {"detail": "Task not found"})
    assert Task.objects.get(pk=task.pk).name == "Secret"


def test_a_viewer_may_read_but_not_change_with_a_403_naming_the_role(private_board):
    viewer = person("vic", private_board, Role.VIEWER)
    task = task_create(name="Secret", board=private_board)
    client = client_for(viewer)
    assert client.get(f"/tasks/{task.pk}").status_code == 200
    response = client.patch(f"/tasks/{task.pk}", {"status": "done"})
    assert response.status_code == 403
    assert (
        "viewer" in response.json()["detail"] and "editors and owners" in response.json()["detail"]
    )
    assert client.post("/tasks/", {"name": "New", "board": private_board.pk}).status_code == 403
    assert Task.objects.get(pk=task.pk).status == "todo" and Task.objects.count() == 1


def test_creating_on_a_board_you_cannot_see_is_a_400_like_any_unknown_board(user, private_board):
    response = client_for(user).post("/tasks/", {"name": "Sneak", "board": private_board.pk})
    assert response.status_code == 400
    assert "does not exist" in response.json()["board"][0]
    assert not Task.objects.exists()


def test_a_task_stays_on_its_board(user, private_board):
    Membership.objects.create(board=private_board, user=user, role=Role.EDITOR)
    task = task_create(name="Deploy")
    response = client_for(user).patch(f"/tasks/{task.pk}", {"board": private_board.pk})
    assert response.status_code == 400
    assert Task.objects.get(pk=task.pk).board == default_board()


def test_ranks_are_per_board(private_board):
    # The same place in two boards' columns is no clash (task_board_column_rank_unique).
    main = task_create(name="Main top")
    other = task_create(name="Ops top", board=private_board)
    Task.objects.filter(pk=other.pk).update(rank=main.rank)
    assert Task.objects.filter(rank=main.rank, status="todo").count() == 2
    # And a move on one board looks only at its own column: after its only card, the end.
    moved = task_create(name="Ops second", board=private_board)
    assert moved.rank > main.rank
