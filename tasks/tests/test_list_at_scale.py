"""GET /tasks/ over 10,000 tasks on 20 boards: the same few queries whoever asks, and only the
boards the caller may read."""

import pytest
from rest_framework.test import APIClient

from board.tests.board_factories import bulk_tasks
from boards.models import Board, Membership, Role, Visibility
from tasks.models import Comment, Phase, TaskTag, Todo

pytestmark = pytest.mark.django_db

BOARDS, TASKS_PER_BOARD = 20, 500


def bulk_breakdown(tasks) -> None:
    """Per task: a phase with two todos (one done), a comment and two tags."""
    phases = Phase.objects.bulk_create(
        [Phase(task=task, name="Build", status="in_progress") for task in tasks], batch_size=500
    )
    Todo.objects.bulk_create(
        [
            Todo(phase=phase, name=f"Step {n}", status=s)
            for phase in phases
            for n, s in ((1, "done"), (2, "todo"))
        ],
        batch_size=500,
    )
    Comment.objects.bulk_create(
        [
            Comment(task=task, text="**on it**", html="<p><strong>on it</strong></p>")
            for task in tasks
        ],
        batch_size=500,
    )
    TaskTag.objects.bulk_create(
        [TaskTag(task=task, name=name) for task in tasks for name in ("ops", "nightly")],
        batch_size=500,
    )


@pytest.fixture
def boards(user):
    """20 boards of 500 tasks: the even ones public, alice a member of every third one."""
    made = []
    for number in range(BOARDS):
        visibility = Visibility.PUBLIC if number % 2 == 0 else Visibility.PRIVATE
        board = Board.objects.create(name=f"Board {number}", visibility=visibility)
        bulk_breakdown(bulk_tasks(TASKS_PER_BOARD, board=board))
        if number % 3 == 0:
            Membership.objects.create(board=board, user=user, role=Role.VIEWER)
        made.append(board)
    return made


def test_anonymous_list_is_one_query_of_the_public_boards(boards, django_assert_num_queries):
    with django_assert_num_queries(1):
        tasks = APIClient().get("/tasks/").json()
    assert len(tasks) == TASKS_PER_BOARD * (BOARDS // 2)


def test_a_members_list_is_one_query_of_public_and_their_boards(
    boards, user, django_assert_num_queries
):
    client = APIClient()
    client.force_authenticate(user)
    with django_assert_num_queries(1):
        tasks = client.get("/tasks/").json()
    readable = {board.pk for n, board in enumerate(boards) if n % 2 == 0 or n % 3 == 0}
    assert {task["board"] for task in tasks} == readable
    assert len(tasks) == TASKS_PER_BOARD * len(readable)


def test_the_static_tokens_list_is_two_queries_of_every_board(
    boards, token_client, django_assert_num_queries
):
    token_client.get("/tasks/?limit=1")  # the first request makes the service account's row
    # The service account's row, then the list.
    with django_assert_num_queries(2):
        tasks = token_client.get("/tasks/").json()
    assert len(tasks) == TASKS_PER_BOARD * BOARDS
    assert [len(phase["todos"]) for phase in tasks[-1]["phases"]] == [2]
    assert (tasks[-1]["tags"], tasks[-1]["progress_percent"]) == (["ops", "nightly"], 0)
    assert tasks[-1]["comments"][0]["html"] == "<p><strong>on it</strong></p>"


def test_one_boards_page_is_three_queries(boards, django_assert_num_queries):
    # The board lookup (a 404 if hidden), the total count, and the page with its assignees, tags,
    # phases, todos and comments, written by the database (tasks.json_array).
    with django_assert_num_queries(3):
        response = APIClient().get(f"/tasks/?board={boards[4].pk}&limit=50")
    assert response.headers["X-Total-Count"] == str(TASKS_PER_BOARD)
    assert len(response.json()) == 50
