"""/boards/{id}/bots/: a board's owners make, list and remove its bots; a bot's token reaches its own
boards only."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from accounts.models import ApiToken, Bot
from accounts.services import token_create
from accounts.tests.conftest import bearer
from boards.models import Board, Membership, Role
from tasks.models import Task
from tasks.services import task_create

pytestmark = pytest.mark.django_db


def test_an_owner_makes_a_bot_and_gets_its_token_once(owner_client, board):
    response = owner_client.post(
        f"/boards/{board.pk}/bots/", {"name": "ci-bot", "role": "editor", "expires_in_days": 30}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"name", "role", "token", "expires_at"}
    assert (body["name"], body["role"]) == ("ci-bot", "editor")
    assert body["expires_at"] is not None
    listed = owner_client.get(f"/boards/{board.pk}/bots/").json()
    assert "token" not in listed[0]


def test_the_bot_is_a_member_that_cannot_log_in(owner_client, board, client):
    owner_client.post(f"/boards/{board.pk}/bots/", {"name": "ci-bot", "role": "viewer"})
    bot = get_user_model().objects.get(username="ci-bot")
    assert not bot.has_usable_password()
    assert Membership.objects.get(user=bot).role == Role.VIEWER
    assert Bot.objects.get(user=bot).created_by.username == "olive"


def test_the_list_shows_each_bots_details(owner_client, board, make_bot, owner):
    make_bot(board, "never-expires")
    _, token = make_bot(board, "expiring", role=Role.VIEWER, expires_in=timedelta(days=7))
    bearer(token).get("/tasks/")
    listed = owner_client.get(f"/boards/{board.pk}/bots/").json()
    assert [bot["name"] for bot in listed] == ["expiring", "never-expires"]
    expiring, never = listed
    assert set(expiring) == {
        "name",
        "role",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
    }
    assert (expiring["role"], expiring["created_by"]) == ("viewer", "olive")
    assert expiring["last_used_at"] is not None and expiring["expires_at"] is not None
    assert never["last_used_at"] is None and never["expires_at"] is None


def test_a_bot_with_one_never_expiring_token_never_expires(owner_client, board, make_bot):
    bot, _ = make_bot(board, expires_in=timedelta(days=7))
    token_create(user=bot, name="forever")
    assert owner_client.get(f"/boards/{board.pk}/bots/").json()[0]["expires_at"] is None


def test_the_list_shows_only_this_boards_bots(owner_client, board, make_board, make_bot):
    make_bot(board, "here")
    make_bot(make_board("Other"), "elsewhere")
    listed = owner_client.get(f"/boards/{board.pk}/bots/").json()
    assert [bot["name"] for bot in listed] == ["here"]


def test_the_list_is_a_fixed_number_of_queries(
    owner_client, board, make_bot, django_assert_num_queries
):
    for n in range(5):
        _, token = make_bot(board, f"bot-{n}")
        bearer(token).get("/tasks/")
    owner_client.get(f"/boards/{board.pk}/bots/")
    # Session, user, the board, the owner's role, the bots with their tokens' figures.
    with django_assert_num_queries(5):
        assert len(owner_client.get(f"/boards/{board.pk}/bots/").json()) == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "editor"}, "name"),
        ({"name": "", "role": "editor"}, "name"),
        ({"name": "has space", "role": "editor"}, "name"),
        ({"name": "x" * 151, "role": "editor"}, "name"),
        ({"name": "ci-bot"}, "role"),
        ({"name": "ci-bot", "role": "owner"}, "role"),
        ({"name": "ci-bot", "role": "boss"}, "role"),
        ({"name": "ci-bot", "role": "editor", "expires_in_days": 0}, "expires_in_days"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_makes_nothing(owner_client, board, body, field):
    users_before = get_user_model().objects.count()
    response = owner_client.post(f"/boards/{board.pk}/bots/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert get_user_model().objects.count() == users_before
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("taken", ["olive", "OLIVE", "api-token"])
def test_a_taken_name_is_a_clear_400(owner_client, board, taken):
    response = owner_client.post(f"/boards/{board.pk}/bots/", {"name": taken, "role": "editor"})
    assert response.status_code == 400
    assert "is taken" in response.json()["name"][0]
    assert not Bot.objects.exists()


def test_removing_a_bot_revokes_its_tokens_and_deletes_it(owner_client, board, make_bot):
    _, token = make_bot(board)
    response = owner_client.delete(f"/boards/{board.pk}/bots/ci-bot")
    assert response.status_code == 204
    assert bearer(token).get("/tokens/").status_code == 401
    assert not get_user_model().objects.filter(username="ci-bot").exists()


def test_a_bot_on_another_board_too_is_only_taken_off_this_one(
    owner_client, board, make_board, make_bot
):
    bot, token = make_bot(board)
    other = make_board("Other")
    Membership.objects.create(board=other, user=bot, role=Role.VIEWER)
    assert owner_client.delete(f"/boards/{board.pk}/bots/ci-bot/").status_code == 204
    assert list(Membership.objects.filter(user=bot).values_list("board", flat=True)) == [other.pk]
    assert not ApiToken.objects.filter(user=bot).exists()


def test_a_bot_taken_off_one_board_is_unassigned_from_its_tasks_only(
    owner_client, board, make_board, make_bot
):
    bot, _ = make_bot(board)
    other = make_board("Other")
    Membership.objects.create(board=other, user=bot, role=Role.EDITOR)
    here = task_create(name="Here", board=board, assignees=["ci-bot"])
    there = task_create(name="There", board=other, assignees=["ci-bot"])
    owner_client.delete(f"/boards/{board.pk}/bots/ci-bot")
    assert list(here.assignees.all()) == []
    assert list(there.assignees.all()) == [bot]


def test_a_bots_tasks_keep_their_rows_when_it_goes(owner_client, board, make_bot):
    _, token = make_bot(board)
    task_id = bearer(token).post("/tasks/", {"name": "From CI", "board": board.pk}).json()["id"]
    owner_client.delete(f"/boards/{board.pk}/bots/ci-bot")
    assert Task.objects.get(pk=task_id).created_by is None


@pytest.mark.parametrize("name", ["nobody", "olive"])
def test_removing_who_is_no_bot_of_this_board_is_a_404(owner_client, board, make_board, name):
    response = owner_client.delete(f"/boards/{board.pk}/bots/{name}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Bot not found"}
    assert get_user_model().objects.filter(username="olive").exists()


def test_another_boards_bot_cannot_be_removed_here(owner_client, board, make_board, make_bot):
    make_bot(make_board("Other"), "elsewhere")
    assert owner_client.delete(f"/boards/{board.pk}/bots/elsewhere").status_code == 404
    assert Bot.objects.filter(user__username="elsewhere").exists()


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_members_who_are_not_owners_get_403_and_change_nothing(board, make_bot, role):
    someone = get_user_model().objects.create_user("erin")
    Membership.objects.create(board=board, user=someone, role=role)
    make_bot(board)
    client = APIClient()
    client.force_login(someone)
    assert client.get(f"/boards/{board.pk}/bots/").status_code == 403
    response = client.post(f"/boards/{board.pk}/bots/", {"name": "mine", "role": "viewer"})
    assert response.status_code == 403
    assert "only owners" in response.json()["detail"]
    assert client.delete(f"/boards/{board.pk}/bots/ci-bot").status_code == 403
    assert list(Bot.objects.values_list("user__username", flat=True)) == ["ci-bot"]


def test_an_outsider_gets_404_for_a_private_board(board, user):
    client = APIClient()
    client.force_login(user)
    response = client.get(f"/boards/{board.pk}/bots/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Board not found"}
    assert (
        client.post(f"/boards/{board.pk}/bots/", {"name": "x", "role": "viewer"}).status_code == 404
    )


@pytest.mark.parametrize("board_id", ["999999", "abc", "-1", "1" * 30])
def test_an_unknown_board_is_a_404(owner_client, board_id):
    assert owner_client.get(f"/boards/{board_id}/bots/").status_code == 404


def test_anonymous_callers_get_401(anon_client, board):
    assert anon_client.get(f"/boards/{board.pk}/bots/").status_code == 401
    assert anon_client.post(f"/boards/{board.pk}/bots/", {"name": "x"}).status_code == 401


def test_the_static_token_is_an_editor_so_gets_403(token_client, board):
    response = token_client.post(f"/boards/{board.pk}/bots/", {"name": "x", "role": "viewer"})
    assert response.status_code == 403
    assert not Bot.objects.exists()


def test_a_bot_cannot_make_a_board(board, make_bot):
    _, token = make_bot(board)
    response = bearer(token).post("/boards/", {"name": "The bot's own"})
    assert response.status_code == 403
    assert "Bots cannot make boards" in response.json()["detail"]
    assert not Board.objects.filter(name="The bot's own").exists()


def test_a_bot_made_owner_still_cannot_make_bots(board, make_bot):
    bot, token = make_bot(board)
    Membership.objects.filter(user=bot).update(role=Role.OWNER)
    response = bearer(token).post(f"/boards/{board.pk}/bots/", {"name": "minion", "role": "editor"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Bots cannot make bots: a person who owns the board can."}
    assert list(Bot.objects.values_list("user__username", flat=True)) == ["ci-bot"]


def test_a_superuser_may_manage_any_boards_bots(staff_user, board):
    client = APIClient()
    client.force_login(staff_user)
    response = client.post(f"/boards/{board.pk}/bots/", {"name": "x", "role": "viewer"})
    assert response.status_code == 201


# --- a bot's reach ------------------------------------------------------------------------------


@pytest.fixture
def two_boards(make_board, board, make_bot):
    """Board A (the `board` fixture) with an editor bot, and board B it is not on, with a task."""
    other = make_board("B")
    task = task_create(name="B's task", board=other)
    _, token = make_bot(board, "a-bot")
    return board, other, task, bearer(token)


def test_a_bot_reaches_its_own_private_board(two_boards):
    board, _, _, client = two_boards
    task = task_create(name="A's task", board=board)
    assert client.get(f"/tasks/{task.pk}").status_code == 200
    assert client.patch(f"/tasks/{task.pk}", {"status": "done"}).status_code == 200


def test_a_bot_of_one_board_gets_404_for_another_boards_task(two_boards):
    _, _, task, client = two_boards
    assert client.get(f"/tasks/{task.pk}").status_code == 404
    assert client.patch(f"/tasks/{task.pk}", {"name": "Mine now"}).status_code == 404
    assert client.delete(f"/tasks/{task.pk}").status_code == 404
    task.refresh_from_db()
    assert task.name == "B's task"


def test_a_bot_of_one_board_gets_404_for_another_board(two_boards):
    _, other, _, client = two_boards
    assert client.get(f"/boards/{other.pk}").status_code == 404
    assert client.get(f"/boards/{other.pk}/members/").status_code == 404
    assert other.pk not in [listed["id"] for listed in client.get("/boards/").json()]
    assert client.get(f"/boards/{other.pk}/bots/").status_code == 404
    assert client.get(f"/tasks/?board={other.pk}").status_code == 404
    response = client.post("/tasks/", {"name": "Intruder", "board": other.pk})
    # The answer for a board that does not exist: nothing tells that B does.
    assert response.status_code == 400
    assert response.json() == {"board": [f'Invalid pk "{other.pk}" - object does not exist.']}
    assert not Task.objects.filter(name="Intruder").exists()


def test_a_bots_task_list_holds_only_its_boards(two_boards):
    board, _, _, client = two_boards
    task_create(name="A's task", board=board)
    assert [task["name"] for task in client.get("/tasks/").json()] == ["A's task"]


def test_a_viewer_bot_reads_but_gets_403_writing(board, make_bot):
    task = task_create(name="A's task", board=board)
    _, token = make_bot(board, "watcher", role=Role.VIEWER)
    client = bearer(token)
    assert client.get(f"/tasks/{task.pk}").status_code == 200
    response = client.patch(f"/tasks/{task.pk}", {"name": "Renamed"})
    assert response.status_code == 403
    assert "viewer" in response.json()["detail"]
    assert client.post("/tasks/", {"name": "New", "board": board.pk}).status_code == 403
    task.refresh_from_db()
    assert task.name == "A's task"
    assert Task.objects.count() == 1


def test_the_browsable_api_page_renders(owner_client, board, make_bot):
    make_bot(board)
    response = owner_client.get(f"/boards/{board.pk}/bots/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "ci-bot" in response.content.decode()


def test_the_board_members_list_marks_the_bot(owner_client, board, make_bot):
    make_bot(board)
    members = {
        m["username"]: m["is_bot"] for m in owner_client.get(f"/boards/{board.pk}/members/").json()
    }
    assert members == {"ci-bot": True, "olive": False}


def test_a_bot_cannot_be_made_an_owner(owner_client, board, make_bot):
    make_bot(board, "ci-bot")
    response = owner_client.patch(f"/boards/{board.pk}/members/ci-bot", {"role": "owner"})
    assert response.status_code == 400
    assert "bots may be viewers or editors only" in response.json()["role"][0]
    assert Membership.objects.get(board=board, user__username="ci-bot").role == "editor"


def test_a_bots_token_never_reaches_a_public_board_it_is_not_on(board, make_bot, settings):
    settings.PUBLIC_READ = True  # anyone may read Main, but a bot works on its own boards alone
    main_task = task_create(name="On Main")
    _, token = make_bot(board, "ci-bot")
    bot = bearer(token)
    assert bot.get(f"/tasks/{main_task.pk}").status_code == 404
    assert bot.patch(f"/tasks/{main_task.pk}", {"name": "x"}).status_code == 404
    assert [row["id"] for row in bot.get("/boards/").json()] == [board.pk]
    assert bot.get("/tasks/").json() == []
    assert Task.objects.get(pk=main_task.pk).name == "On Main"
