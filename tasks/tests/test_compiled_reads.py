"""GET /tasks/{id} and the unread count keep their SQL per kind of reader (tracker.db.compiled):
what one reader was allowed never leaks to another, and access changes count at once."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from boards.access import readable_boards, readable_boards_key
from boards.models import Board, Membership, Role, Visibility
from notifications.services import notification_create
from tasks.services import task_create


def person(username: str, board: Board | None = None, role: str = Role.VIEWER):
    user = get_user_model().objects.create_user(username, password=f"{username}-password-1")
    if board is not None:
        Membership.objects.create(board=board, user=user, role=role)
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def private_board(db) -> Board:
    return Board.objects.create(name="Ops", visibility=Visibility.PRIVATE)


def test_a_members_read_does_not_open_the_task_to_others(private_board):
    task = task_create(name="Secret", board=private_board)
    member = person("mia", private_board)
    assert client_for(member).get(f"/tasks/{task.pk}").status_code == 200
    assert APIClient().get(f"/tasks/{task.pk}").status_code == 404
    assert client_for(person("otto")).get(f"/tasks/{task.pk}").status_code == 404


def test_joining_a_board_opens_its_tasks_at_once(private_board):
    task = task_create(name="Secret", board=private_board)
    newcomer = person("nia")
    client = client_for(newcomer)
    assert client.get(f"/tasks/{task.pk}").status_code == 404
    Membership.objects.create(board=private_board, user=newcomer, role=Role.VIEWER)
    assert client.get(f"/tasks/{task.pk}").json()["name"] == "Secret"


def test_a_board_made_private_hides_its_tasks_from_the_public_at_once(private_board):
    board = Board.objects.create(name="Open", visibility=Visibility.PUBLIC)
    task = task_create(name="Visible", board=board)
    assert APIClient().get(f"/tasks/{task.pk}").status_code == 200
    Board.objects.filter(pk=board.pk).update(visibility=Visibility.PRIVATE)
    assert APIClient().get(f"/tasks/{task.pk}").status_code == 404


def test_turning_public_reads_off_hides_every_task(settings, make_task):
    task = make_task("Public")
    assert APIClient().get(f"/tasks/{task.pk}").status_code == 200
    settings.PUBLIC_READ = False
    assert APIClient().get(f"/tasks/{task.pk}").status_code == 401


def test_unread_counts_stay_per_reader(private_board, django_assert_num_queries):
    task = task_create(name="Secret", board=private_board)
    owner = person("olga", private_board, Role.OWNER)
    notification_create(task=task, message="ping")
    notification_create(task=task, message="pong")
    client = client_for(owner)
    with django_assert_num_queries(1):
        assert client.get("/notifications/unread-count").json() == {"unread_count": 2}
    assert client_for(person("otto")).get("/notifications/unread-count").json() == {
        "unread_count": 0
    }
    with django_assert_num_queries(1):
        assert APIClient().get("/notifications/unread-count").json() == {"unread_count": 0}


def test_readers_with_equal_keys_get_equal_sql(private_board):
    # The property tracker.db.compiled relies on: the key names everything the SQL depends on.
    first, second = person("ann", private_board), person("bob")
    for actor in (first, second, None):
        again = get_user_model().objects.get(pk=actor.pk) if actor else None
        assert readable_boards_key(actor) == readable_boards_key(again)
        assert str(readable_boards(actor).query) == str(readable_boards(again).query)
    assert readable_boards_key(first) != readable_boards_key(second)
