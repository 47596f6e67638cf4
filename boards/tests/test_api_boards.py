"""/boards/ and /boards/{id}: who may list, read, create, change and delete boards."""

import pytest
import yaml

from boards.access import default_board
from boards.models import Board, Membership, Role
from boards.services import board_create, member_add
from boards.tests.cast import (
    ACTORS,
    OWNER_WRITE_REFUSALS,
    READ_REFUSALS,
    board_with_cast,
    memberships,
    snapshot,
)
from notifications.models import InboxEntry, Notification
from tasks.models import Task, TaskChange
from tasks.services import task_create

pytestmark = pytest.mark.django_db

BOARD_FIELDS = [
    "id",
    "name",
    "visibility",
    "is_default",
    "role",
    "escalate_after_reminders",
    "created_at",
    "remind_hours_before_due",
    "tag_colours",
]
CALLER_ROLES = {"owner": "owner", "editor": "editor", "viewer": "viewer", "outsider": None}


# --- the permission matrix ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ACTORS)
def test_list_shows_a_board_to_those_who_may_read_it(who, situation, board, client_of):
    response = client_of(who).get("/boards/")
    refused = READ_REFUSALS[situation].get(who)
    if refused == 401:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    listed = {answer["id"]: answer for answer in response.json()}
    if refused == 404:
        assert board.pk not in listed
    else:
        assert listed[board.pk]["role"] == CALLER_ROLES.get(who)


@pytest.mark.parametrize("who", ACTORS)
def test_get_board_matrix(who, situation, board, client_of):
    response = client_of(who).get(f"/boards/{board.pk}")
    expected = READ_REFUSALS[situation].get(who, 200)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["name"] == "Ops"
    if expected == 404:
        assert response.json() == {"detail": "Board not found"}


@pytest.mark.parametrize("who", ACTORS)
def test_patch_board_matrix(who, situation, board, client_of):
    before = snapshot()
    response = client_of(who).patch(f"/boards/{board.pk}", {"name": "Renamed"})
    expected = OWNER_WRITE_REFUSALS[situation].get(who, 200)
    assert response.status_code == expected
    if expected == 200:
        assert Board.objects.get(pk=board.pk).name == "Renamed"
    else:
        assert snapshot() == before


@pytest.mark.parametrize("who", ACTORS)
def test_delete_board_matrix(who, situation, board, client_of):
    task_create(name="On the board", board=board)
    before = snapshot()
    response = client_of(who).delete(f"/boards/{board.pk}")
    expected = OWNER_WRITE_REFUSALS[situation].get(who, 200)
    assert response.status_code == expected
    if expected == 200:
        assert not Board.objects.filter(pk=board.pk).exists()
        assert not Task.objects.filter(board_id=board.pk).exists()
    else:
        assert snapshot() == before


@pytest.mark.parametrize("who", ["owner", "editor", "viewer", "outsider"])
def test_anyone_logged_in_may_create_a_board_and_owns_it(who, client_of, people):
    response = client_of(who).post("/boards/", {"name": "Mine"})
    assert response.status_code == 201
    board = Board.objects.get(pk=response.json()["id"])
    assert memberships(board) == [(people[who].username, "owner")]


@pytest.mark.parametrize("public_read", [True, False])
def test_anonymous_cannot_create_a_board(anon_client, settings, public_read):
    settings.PUBLIC_READ = public_read
    before = snapshot()
    response = anon_client.post("/boards/", {"name": "Mine"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or missing token"}
    assert snapshot() == before


def test_a_role_too_low_is_told_which_role_it_takes(board, client_of):
    response = client_of("editor").patch(f"/boards/{board.pk}", {"name": "Renamed"})
    assert response.status_code == 403
    assert "You are a editor of this board: only owners may" in response.json()["detail"]


# --- list ---------------------------------------------------------------------------------------


def test_list_answers_each_board_with_the_callers_role(board, client_of):
    response = client_of("viewer").get("/boards/")
    main = default_board()
    assert [answer["id"] for answer in response.json()] == [main.pk, board.pk]
    ops = response.json()[1]
    assert list(ops) == BOARD_FIELDS
    assert ops == {
        "id": board.pk,
        "name": "Ops",
        "visibility": "private",
        "is_default": False,
        "role": "viewer",
        "escalate_after_reminders": 0,
        "created_at": ops["created_at"],
        "remind_hours_before_due": None,
        "tag_colours": {},
    }
    assert ops["created_at"].endswith("Z")
    assert response.json()[0]["is_default"] is True
    assert response.json()[0]["role"] is None  # a public board vera is no member of


@pytest.mark.parametrize("path", ["/boards", "/boards/"])
def test_list_answers_with_and_without_slash_without_redirect(anon_client, path):
    assert anon_client.get(path).status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_list_takes_one_query_whatever_the_number_of_boards(
    people, client_of, django_assert_num_queries, count
):
    for number in range(count):
        board = board_create(name=f"Board {number}", visibility="private", actor=people["owner"])
        member_add(board=board, username="vera", role="viewer")
    client = client_of("viewer")
    with django_assert_num_queries(1):
        response = client.get("/boards/")
    assert len(response.json()) == count + 1  # and Main, the default board (public)


def test_anonymous_list_takes_one_query(people, anon_client, django_assert_num_queries):
    for number in range(5):
        board_create(name=f"Board {number}", visibility="public", actor=people["owner"])
    with django_assert_num_queries(1):
        response = anon_client.get("/boards/")
    assert {answer["role"] for answer in response.json()} == {None}


def test_a_superuser_sees_every_board_as_owner(board, client, staff_user):
    client.force_login(staff_user)
    answers = client.get("/boards/").json()
    assert board.pk in [answer["id"] for answer in answers]
    assert {answer["role"] for answer in answers} == {"owner"}


def test_the_static_token_sees_every_board_as_editor(board, token_client):
    answers = token_client.get("/boards/").json()
    assert board.pk in [answer["id"] for answer in answers]
    assert {answer["role"] for answer in answers} == {"editor"}


# --- retrieve -----------------------------------------------------------------------------------


@pytest.mark.parametrize("board_id", ["999999", "0", "-1", "abc", "99999999999999999999999"])
def test_an_unknown_or_malformed_id_is_404(client_of, people, board_id):
    response = client_of("owner").get(f"/boards/{board_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Board not found"}


@pytest.mark.parametrize("suffix", ["", "/"])
def test_retrieve_answers_one_board_with_the_callers_role(
    board, client_of, django_assert_num_queries, suffix
):
    client = client_of("editor")
    with django_assert_num_queries(1):
        response = client.get(f"/boards/{board.pk}{suffix}")
    assert response.json()["role"] == "editor"


# --- create -------------------------------------------------------------------------------------


def test_create_answers_201_with_the_board_and_its_location(client_of, people):
    response = client_of("outsider").post("/boards/", {"name": "  Ops 2 ", "visibility": "public"})
    assert response.status_code == 201
    board = Board.objects.get(is_default=False)
    assert response["Location"] == f"/boards/{board.pk}"
    assert response.json() == {
        "id": board.pk,
        "name": "Ops 2",
        "visibility": "public",
        "is_default": False,
        "role": "owner",
        "escalate_after_reminders": 0,
        "created_at": response.json()["created_at"],
        "remind_hours_before_due": None,
        "tag_colours": {},
    }


def test_a_new_board_is_private_unless_told(client_of, people):
    response = client_of("owner").post("/boards/", {"name": "Quiet"})
    assert response.json()["visibility"] == "private"


def test_the_static_token_creates_boards_it_then_owns(token_client):
    response = token_client.post("/boards/", {"name": "Scripted"})
    assert response.status_code == 201
    assert response.json()["role"] == "owner"
    board = Board.objects.get(pk=response.json()["id"])
    assert memberships(board) == [("api-token", "owner")]
    renamed = token_client.patch(f"/boards/{board.pk}", {"name": "Scripted 2"})
    assert renamed.status_code == 200
    assert renamed.json()["role"] == "owner"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "name", "This field is required."),
        ({"name": ""}, "name", "A board needs a name."),
        ({"name": "   "}, "name", "A board needs a name."),
        ({"name": "x" * 101}, "name", "Ensure this field has no more than 100 characters."),
        ({"name": None}, "name", "This field may not be null."),
        (
            {"name": "Ops", "visibility": "secret"},
            "visibility",
            '"secret" is not a valid visibility. Allowed values: public, private.',
        ),
    ],
)
def test_an_invalid_board_is_400_and_creates_nothing(client_of, people, body, field, message):
    before = snapshot()
    response = client_of("owner").post("/boards/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert snapshot() == before


def test_a_name_of_100_characters_fits(client_of, people):
    response = client_of("owner").post("/boards/", {"name": "x" * 100})
    assert response.status_code == 201


@pytest.mark.parametrize("body", ["[]", '"Ops"', "{"])
def test_a_body_that_is_not_an_object_is_400(client_of, people, body):
    response = client_of("owner").post("/boards/", body, content_type="application/json")
    assert response.status_code == 400
    assert not Board.objects.exclude(is_default=True).exists()


# --- update -------------------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(board, client_of):
    response = client_of("owner").patch(f"/boards/{board.pk}/", {"visibility": "public"})
    assert response.status_code == 200
    assert response.json()["visibility"] == "public"
    assert response.json()["name"] == "Ops"
    assert response.json()["role"] == "owner"
    board.refresh_from_db()
    assert (board.name, board.visibility) == ("Ops", "public")


@pytest.mark.parametrize(
    "body",
    [{"name": ""}, {"name": "y" * 101}, {"visibility": "hidden"}, {"visibility": None}],
)
def test_an_invalid_patch_is_400_and_changes_nothing(board, client_of, body):
    before = snapshot()
    response = client_of("owner").patch(f"/boards/{board.pk}", body, format="json")
    assert response.status_code == 400
    assert snapshot() == before


def test_put_is_not_allowed(board, client_of):
    response = client_of("owner").put(f"/boards/{board.pk}", {"name": "Renamed"})
    assert response.status_code == 405
    assert "Allowed methods:" in response.json()["detail"]
    assert Board.objects.get(pk=board.pk).name == "Ops"


def test_is_default_cannot_be_written(board, client_of):
    client_of("owner").patch(f"/boards/{board.pk}", {"is_default": True})
    assert Board.objects.get(is_default=True) == default_board()
    assert not Board.objects.get(pk=board.pk).is_default


# --- delete -------------------------------------------------------------------------------------


def test_delete_takes_the_boards_tasks_notifications_and_members_along(board, client_of, people):
    task = task_create(name="Ship", board=board, assignees=["eddie"], status="done")
    elsewhere = task_create(name="Elsewhere", status="done")
    response = client_of("owner").delete(f"/boards/{board.pk}")
    assert response.status_code == 200
    assert response.json() == {"message": "Board deleted", "board_id": board.pk}
    assert not Task.objects.filter(pk=task.pk).exists()
    assert not Notification.objects.filter(board_id=board.pk).exists()
    assert not InboxEntry.objects.filter(notification__board_id=board.pk).exists()
    assert not TaskChange.objects.filter(board_id=board.pk).exists()
    assert not Membership.objects.filter(board_id=board.pk).exists()
    assert Task.objects.filter(pk=elsewhere.pk).exists()
    assert Notification.objects.filter(task=elsewhere).exists()


def test_the_default_board_cannot_be_deleted(client, staff_user):
    main = default_board()
    task_create(name="Keep me")
    client.force_login(staff_user)
    before = snapshot()
    response = client.delete(f"/boards/{main.pk}")
    assert response.status_code == 400
    assert "is the default board" in response.json()["detail"]
    assert "cannot be deleted" in response.json()["detail"]
    assert snapshot() == before


def test_a_deleted_board_is_404_afterwards(board, client_of):
    client_of("owner").delete(f"/boards/{board.pk}")
    response = client_of("owner").get(f"/boards/{board.pk}")
    assert response.status_code == 404


def test_a_board_of_anothers_cast_is_404_to_this_one(people, client_of):
    users = people["owner"].__class__.objects
    stranger = users.create_user("stranger")
    other = board_with_cast(
        {"owner": stranger, "editor": users.create_user("e2"), "viewer": users.create_user("v2")},
        name="Theirs",
        visibility="private",
    )
    for method in ("get", "patch", "delete"):
        assert getattr(client_of("owner"), method)(f"/boards/{other.pk}").status_code == 404
    assert Board.objects.filter(pk=other.pk, name="Theirs").exists()
    assert Role.OWNER in dict(memberships(other)).values()


# --- schema -------------------------------------------------------------------------------------


def test_the_schema_documents_the_board_endpoints_and_their_auth(anon_client):
    paths = yaml.safe_load(anon_client.get("/api/schema/").content)["paths"]
    operations = {
        "/boards/": ["get", "post"],
        "/boards/{id}/": ["get", "patch", "delete"],
        "/boards/{board_id}/members/": ["get", "post"],
        "/boards/{board_id}/members/{username}/": ["patch", "delete"],
    }
    for path, methods in operations.items():
        assert sorted(paths[path]) == sorted(methods), path
        for method in methods:
            operation = paths[path][method]
            assert operation["summary"]
            assert ({} in operation["security"]) == (method == "get")  # reads are public


@pytest.mark.parametrize("path", ["/boards/", "/boards/{id}", "/boards/{id}/members/"])
def test_the_browsable_api_renders_the_board_endpoints(client, staff_user, board, path):
    client.force_login(staff_user)
    response = client.get(path.format(id=board.pk), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]


def test_an_owner_sets_the_due_date_reminder(client_of, board):
    response = client_of("owner").patch(
        f"/boards/{board.pk}", {"remind_hours_before_due": 24}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["remind_hours_before_due"] == 24
    board.refresh_from_db()
    assert board.remind_hours_before_due == 24


def test_a_negative_due_date_reminder_is_400(client_of, board):
    response = client_of("owner").patch(
        f"/boards/{board.pk}", {"remind_hours_before_due": -1}, format="json"
    )
    assert response.status_code == 400


def test_an_owner_sets_tag_colours(client_of, board):
    body = {"tag_colours": {"ops": "rose", " db ": "sky"}}
    response = client_of("owner").patch(f"/boards/{board.pk}", body, format="json")
    assert response.json()["tag_colours"] == {"ops": "rose", "db": "sky"}


def test_an_unknown_tag_colour_is_400_listing_the_colours(client_of, board):
    body = {"tag_colours": {"ops": "plaid"}}
    response = client_of("owner").patch(f"/boards/{board.pk}", body, format="json")
    assert response.status_code == 400
    assert "indigo, emerald, amber, rose, sky, violet" in str(response.json())


def test_a_new_board_may_come_with_its_settings(client_of, people):
    body = {
        "name": "Ops",
        "remind_hours_before_due": 4,
        "tag_colours": {"db": "rose"},
        "escalate_after_reminders": 3,
    }
    response = client_of("owner").post("/boards/", body, format="json")
    assert response.status_code == 201, response.json()
    board = Board.objects.get(pk=response.json()["id"])
    assert (board.remind_hours_before_due, board.tag_colours) == (4, {"db": "rose"})
    assert board.escalate_after_reminders == 3


def test_a_tag_colour_for_a_tag_with_a_null_character_is_400(client_of, people):
    # A task's tag may not hold one, and PostgreSQL's jsonb cannot store one (the schema fuzzer).
    body = {"name": "Ops", "tag_colours": {"ops\x00": "rose"}}
    response = client_of("owner").post("/boards/", body, format="json")
    assert response.status_code == 400
    assert "null character" in str(response.json()["tag_colours"])
    assert not Board.objects.filter(name="Ops").exists()
