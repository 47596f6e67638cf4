"""/boards/{id}/members/ and /boards/{id}/members/{username}: who may list and manage members."""

import pytest
from django.contrib.auth import get_user_model

from boards.access import default_board
from boards.services import member_add
from boards.tests.cast import ACTORS, OWNER_WRITE_REFUSALS, READ_REFUSALS, memberships, snapshot
from tasks.models import Task, TaskChange
from tasks.services import task_create

pytestmark = pytest.mark.django_db

CAST_MEMBERS = [("eddie", "editor"), ("olivia", "owner"), ("vera", "viewer")]


@pytest.fixture
def newcomer(db):
    return get_user_model().objects.create_user("nina", first_name="Nina", last_name="Novak")


def members_path(board, username: str = "") -> str:
    return f"/boards/{board.pk}/members/{username}"


# --- the permission matrix ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ACTORS)
def test_list_members_matrix(who, situation, board, client_of):
    response = client_of(who).get(members_path(board))
    expected = READ_REFUSALS[situation].get(who, 200)
    assert response.status_code == expected
    if expected == 200:
        assert [(m["username"], m["role"]) for m in response.json()] == CAST_MEMBERS
    if expected == 404:
        assert response.json() == {"detail": "Board not found"}


@pytest.mark.parametrize("who", ACTORS)
def test_add_member_matrix(who, situation, board, client_of, newcomer):
    before = snapshot()
    response = client_of(who).post(members_path(board), {"username": "nina", "role": "editor"})
    expected = OWNER_WRITE_REFUSALS[situation].get(who, 201)
    assert response.status_code == expected
    if expected == 201:
        assert ("nina", "editor") in memberships(board)
    else:
        assert snapshot() == before


@pytest.mark.parametrize("who", ACTORS)
def test_change_member_matrix(who, situation, board, client_of):
    before = snapshot()
    response = client_of(who).patch(members_path(board, "vera"), {"role": "editor"})
    expected = OWNER_WRITE_REFUSALS[situation].get(who, 200)
    assert response.status_code == expected
    if expected == 200:
        assert ("vera", "editor") in memberships(board)
    else:
        assert snapshot() == before


@pytest.mark.parametrize("who", ACTORS)
def test_remove_member_matrix(who, situation, board, client_of):
    task_create(name="Vera's", board=board, assignees=["vera"])
    before = snapshot()
    response = client_of(who).delete(members_path(board, "vera"))
    expected = OWNER_WRITE_REFUSALS[situation].get(who, 200)
    assert response.status_code == expected
    if expected == 200:
        assert "vera" not in dict(memberships(board))
    else:
        assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_every_members_path_of_an_unreadable_board_is_404(board, client_of, method):
    before = snapshot()
    path = members_path(board, "" if method in ("get", "post") else "vera")
    response = getattr(client_of("outsider"), method)(path, {"username": "oscar", "role": "owner"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Board not found"}
    assert snapshot() == before


def test_the_static_token_reads_members_but_cannot_manage_them(board, token_client):
    assert token_client.get(members_path(board)).status_code == 200
    before = snapshot()
    response = token_client.patch(members_path(board, "vera"), {"role": "owner"})
    assert response.status_code == 403
    assert snapshot() == before


def test_a_superuser_manages_the_members_of_any_board(board, client, staff_user):
    client.force_login(staff_user)
    response = client.patch(
        members_path(board, "vera"), {"role": "owner"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert ("vera", "owner") in memberships(board)


# --- list ---------------------------------------------------------------------------------------


def test_a_member_is_username_name_role_and_is_bot(board, client_of):
    answers = client_of("viewer").get(members_path(board)).json()
    assert answers[1] == {
        "username": "olivia",
        "name": "Olivia Owens",
        "role": "owner",
        "is_bot": False,
    }


def test_a_member_without_a_full_name_is_named_by_username(board, client_of):
    member_add(board=board, username="oscar", role="viewer")
    answers = {m["username"]: m for m in client_of("viewer").get(members_path(board)).json()}
    assert answers["oscar"]["name"] == "oscar"


@pytest.mark.parametrize("count", [1, 20])
def test_members_list_takes_two_queries_whatever_the_number_of_members(
    board, client_of, django_assert_num_queries, count
):
    users = get_user_model().objects
    for number in range(count):
        users.create_user(f"member{number}")
        member_add(board=board, username=f"member{number}", role="viewer")
    client = client_of("viewer")
    with django_assert_num_queries(2):  # the board, its members with their users
        response = client.get(members_path(board))
    assert len(response.json()) == count + 3


@pytest.mark.parametrize("suffix", ["", "/"])
def test_member_paths_answer_with_and_without_slash(board, client_of, suffix):
    client = client_of("owner")
    assert client.get(f"/boards/{board.pk}/members{suffix}").status_code == 200
    path = f"/boards/{board.pk}/members/vera{suffix}"
    assert client.patch(path, {"role": "editor"}).status_code == 200


@pytest.mark.parametrize("board_id", ["999999", "0", "abc", "99999999999999999999999"])
def test_members_of_an_unknown_or_malformed_board_are_404(client_of, people, board_id):
    response = client_of("owner").get(f"/boards/{board_id}/members/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Board not found"}


def test_anonymous_readers_see_the_members_of_a_public_board(anon_client, people):
    main = default_board()
    member_add(board=main, username="olivia", role="owner")
    response = anon_client.get(members_path(main))
    assert response.status_code == 200
    assert [m["username"] for m in response.json()] == ["olivia"]


# --- add ----------------------------------------------------------------------------------------


def test_add_answers_201_with_the_member(board, client_of, newcomer):
    response = client_of("owner").post(members_path(board), {"username": "nina", "role": "viewer"})
    assert response.status_code == 201
    assert response.json() == {
        "username": "nina",
        "name": "Nina Novak",
        "role": "viewer",
        "is_bot": False,
    }


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"role": "viewer"}, {"username": ["This field is required."]}),
        ({"username": "nina"}, {"role": ["This field is required."]}),
        (
            {"username": "nina", "role": "admin"},
            {"role": ['"admin" is not a valid role. Allowed values: viewer, editor, owner.']},
        ),
        (
            {"username": "nobody", "role": "viewer"},
            {"username": ["There is no user named 'nobody'."]},
        ),
    ],
)
def test_an_invalid_member_is_400_and_adds_nothing(board, client_of, newcomer, body, errors):
    before = snapshot()
    response = client_of("owner").post(members_path(board), body)
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_an_inactive_user_cannot_be_added(board, client_of, newcomer):
    newcomer.is_active = False
    newcomer.save()
    response = client_of("owner").post(members_path(board), {"username": "nina", "role": "viewer"})
    assert response.status_code == 400
    assert "nina" not in dict(memberships(board))


def test_adding_a_member_again_is_400_pointing_at_patch(board, client_of):
    before = snapshot()
    response = client_of("owner").post(members_path(board), {"username": "vera", "role": "owner"})
    assert response.status_code == 400
    [message] = response.json()["username"]
    assert "'vera' is already a member of this board (as viewer)" in message
    assert "PATCH" in message
    assert snapshot() == before


# --- change -------------------------------------------------------------------------------------


def test_patch_answers_the_member_with_the_new_role(board, client_of):
    response = client_of("owner").patch(members_path(board, "eddie"), {"role": "viewer"})
    assert response.status_code == 200
    assert response.json() == {
        "username": "eddie",
        "name": "Eddie Edwards",
        "role": "viewer",
        "is_bot": False,
    }


@pytest.mark.parametrize("body", [{}, {"role": "boss"}, {"role": None}])
def test_an_invalid_role_change_is_400_and_changes_nothing(board, client_of, body):
    before = snapshot()
    response = client_of("owner").patch(members_path(board, "eddie"), body, format="json")
    assert response.status_code == 400
    assert "role" in response.json()
    assert snapshot() == before


def test_changing_a_non_member_is_404_naming_them(board, client_of, newcomer):
    before = snapshot()
    response = client_of("owner").patch(members_path(board, "nina"), {"role": "editor"})
    assert response.status_code == 404
    assert response.json() == {"detail": "'nina' is not a member of this board."}
    assert snapshot() == before


def test_the_last_owner_cannot_step_down(board, client_of):
    before = snapshot()
    response = client_of("owner").patch(members_path(board, "olivia"), {"role": "editor"})
    assert response.status_code == 400
    [message] = response.json()["role"]
    assert "'olivia' is the board's last owner" in message
    assert snapshot() == before


def test_an_owner_steps_down_once_another_owns_the_board(board, client_of):
    client = client_of("owner")
    assert client.patch(members_path(board, "eddie"), {"role": "owner"}).status_code == 200
    assert client.patch(members_path(board, "olivia"), {"role": "viewer"}).status_code == 200
    assert memberships(board) == [("eddie", "owner"), ("olivia", "viewer"), ("vera", "viewer")]


# --- remove -------------------------------------------------------------------------------------


def test_remove_answers_200_and_takes_the_member_off_the_boards_tasks(board, client_of, people):
    task = task_create(name="Vera's", board=board, assignees=["vera", "eddie"])
    response = client_of("owner").delete(members_path(board, "vera"))
    assert response.status_code == 200
    assert response.json() == {"message": "Member removed", "username": "vera"}
    assert list(Task.objects.get(pk=task.pk).assignees.values_list("username", flat=True)) == [
        "eddie"
    ]
    change = TaskChange.objects.filter(task=task).latest("id")
    assert change.changes == {"assignees": [["eddie", "vera"], ["eddie"]]}
    assert change.actor == people["owner"]


def test_removing_a_non_member_is_404(board, client_of, newcomer):
    before = snapshot()
    response = client_of("owner").delete(members_path(board, "nina"))
    assert response.status_code == 404
    assert snapshot() == before


def test_the_last_owner_cannot_leave(board, client_of):
    before = snapshot()
    response = client_of("owner").delete(members_path(board, "olivia"))
    assert response.status_code == 400
    assert "last owner" in response.json()["role"][0]
    assert snapshot() == before


def test_a_removed_member_no_longer_reads_the_private_board(board, client_of):
    client_of("owner").delete(members_path(board, "vera"))
    assert client_of("viewer").get(f"/boards/{board.pk}").status_code == 404
