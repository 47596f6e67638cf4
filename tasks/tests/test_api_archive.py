"""DELETE /tasks/{id} archives (with the original's answer), ?archived=true lists the archive,
POST /tasks/{id}/restore puts a task back."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from boards.access import default_board
from boards.models import Board, Membership, Role, Visibility
from tasks.models import Task
from tasks.services import task_archive

pytestmark = pytest.mark.django_db


def client_for(username: str, board: Board, role: str) -> APIClient:
    user = get_user_model().objects.create_user(username, password=f"{username}-password-1")
    Membership.objects.create(board=board, user=user, role=role)
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200
    return [task["id"] for task in response.json()]


def test_delete_answers_as_before_and_archives(token_client, make_task):
    task = make_task()
    response = token_client.delete(f"/tasks/{task.pk}")
    assert (response.status_code, response.json()) == (
        200,
        {"message": "Task deleted successfully", "task_id": task.pk},
    )
    assert Task.all_objects.get(pk=task.pk).archived_at is not None


def test_an_archived_task_is_a_404_as_after_a_delete(token_client, make_task):
    task = make_task()
    token_client.delete(f"/tasks/{task.pk}")
    response = token_client.get(f"/tasks/{task.pk}")
    assert (response.status_code, response.json()) == (404, {"detail": "Task not found"})


def test_deleting_an_archived_task_again_is_a_404(token_client, make_task):
    task = make_task()
    token_client.delete(f"/tasks/{task.pk}")
    response = token_client.delete(f"/tasks/{task.pk}")
    assert (response.status_code, response.json()) == (404, {"detail": "Task not found"})


def test_archived_tasks_are_out_of_the_list(token_client, make_task):
    kept, gone = make_task("Kept"), make_task("Gone")
    token_client.delete(f"/tasks/{gone.pk}")
    assert ids(token_client.get("/tasks/")) == [kept.pk]
    assert ids(token_client.get("/tasks/?limit=10")) == [kept.pk]


def test_archived_true_lists_only_archived_tasks_newest_first(token_client, make_task):
    make_task("Kept")
    first, second = make_task("First"), make_task("Second")
    token_client.delete(f"/tasks/{first.pk}")
    token_client.delete(f"/tasks/{second.pk}")
    assert ids(token_client.get("/tasks/?archived=true")) == [second.pk, first.pk]


def test_archived_list_takes_the_other_filters(token_client, make_task):
    ops = Board.objects.create(name="Ops")
    on_ops, on_main = make_task("Ops task", board=ops), make_task("Main task")
    task_archive(task=on_ops)
    task_archive(task=on_main)
    assert ids(token_client.get(f"/tasks/?archived=true&board={ops.pk}")) == [on_ops.pk]


def test_archived_must_be_a_boolean(token_client):
    response = token_client.get("/tasks/?archived=maybe")
    assert response.status_code == 400
    assert "archived" in response.json()


def test_restore_answers_the_task_back_in_the_list(token_client, make_task):
    task = make_task("Deploy")
    token_client.delete(f"/tasks/{task.pk}")
    response = token_client.post(f"/tasks/{task.pk}/restore")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["name"]) == (task.pk, "Deploy")
    assert ids(token_client.get("/tasks/")) == [task.pk]
    assert ids(token_client.get("/tasks/?archived=true")) == []


def test_restoring_a_task_in_use_is_a_404(token_client, make_task):
    task = make_task()
    response = token_client.post(f"/tasks/{task.pk}/restore")
    assert (response.status_code, response.json()) == (404, {"detail": "Task not found"})


def test_restoring_an_unknown_task_is_a_404(token_client):
    assert token_client.post("/tasks/999/restore").status_code == 404


def test_a_viewer_may_list_the_archive_but_not_restore(make_task):
    task = make_task()
    task_archive(task=task)
    viewer = client_for("vera", default_board(), Role.VIEWER)
    assert ids(viewer.get("/tasks/?archived=true")) == [task.pk]
    assert viewer.post(f"/tasks/{task.pk}/restore").status_code == 403
    assert not Task.objects.exists()


def test_the_archive_of_a_private_board_is_hidden_from_outsiders(make_task):
    private = Board.objects.create(name="Secret", visibility=Visibility.PRIVATE)
    task = make_task("Secret", board=private)
    task_archive(task=task)
    outsider = client_for("olga", default_board(), Role.EDITOR)
    assert ids(outsider.get("/tasks/?archived=true")) == []
    assert outsider.post(f"/tasks/{task.pk}/restore").status_code == 404


def test_an_archived_task_takes_no_pings_or_comments(token_client, make_task):
    task = make_task()
    token_client.delete(f"/tasks/{task.pk}")
    assert token_client.post(f"/tasks/{task.pk}/ping").status_code == 404
    assert token_client.get(f"/tasks/{task.pk}/comments").status_code == 404
