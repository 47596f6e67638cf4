"""The admin's boards, memberships and tasks: its pages render, and its writes go through the services."""

import pytest

from boards.access import default_board
from boards.models import Board, Membership
from boards.tests.cast import memberships
from tasks.models import Task, TaskChange
from tasks.services import task_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def inline_management(prefix: str, *, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def board_form(board: Board, **fields) -> dict:
    """The change form of `board` as the admin renders it, with `fields` changed: its members'
    rows first (`role_<username>` / `delete_<username>` keys change one)."""
    prefix = "memberships"
    rows = list(Membership.objects.filter(board=board).order_by("id").select_related("user"))
    data = {
        "name": board.name,
        "visibility": board.visibility,
        "escalate_after_reminders": str(board.escalate_after_reminders),
        "remind_hours_before_due": (
            "" if board.remind_hours_before_due is None else str(board.remind_hours_before_due)
        ),
    }
    data.update(inline_management(prefix, total=len(rows), initial=len(rows)))
    for index, row in enumerate(rows):
        name = row.user.username
        data[f"{prefix}-{index}-id"] = str(row.pk)
        data[f"{prefix}-{index}-board"] = str(board.pk)
        data[f"{prefix}-{index}-role"] = fields.pop(f"role_{name}", row.role)
        if fields.pop(f"delete_{name}", False):
            data[f"{prefix}-{index}-DELETE"] = "on"
    data.update(fields)
    return data


# --- pages render -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/boards/board/",
        "/admin/boards/board/add/",
        "/admin/boards/board/?visibility__exact=private",
        "/admin/boards/membership/",
        "/admin/boards/membership/add/",
        "/admin/boards/membership/?role__exact=owner",
        "/admin/tasks/task/",
        "/admin/tasks/task/add/",
    ],
)
def test_admin_pages_render(admin_client, board, path):
    assert admin_client.get(path).status_code == 200


def test_change_pages_render(admin_client, board):
    task = task_create(name="Ship", board=board, assignees=["eddie"])
    membership = Membership.objects.get(board=board, user__username="vera")
    for path in (
        f"/admin/boards/board/{board.pk}/change/",
        f"/admin/boards/membership/{membership.pk}/change/",
        f"/admin/tasks/task/{task.pk}/change/",
    ):
        assert admin_client.get(path).status_code == 200, path


def test_the_board_list_counts_members(admin_client, board):
    response = admin_client.get("/admin/boards/board/")
    assert '<td class="field-member_count">3</td>' in response.content.decode()


def test_the_task_list_shows_and_filters_by_board(admin_client, board):
    task_create(name="On Ops", board=board)
    task_create(name="On Main")
    response = admin_client.get(f"/admin/tasks/task/?board__id__exact={board.pk}")
    page = response.content.decode()
    assert "On Ops" in page and "On Main" not in page
    assert '<td class="field-board nowrap">Ops</td>' in page


# --- boards -------------------------------------------------------------------------------------


def test_adding_a_board_makes_the_admin_its_owner(admin_client, staff_user):
    data = {"name": " Admin's ", "visibility": "public", "escalate_after_reminders": "0"}
    data.update(inline_management("memberships", total=0, initial=0))
    response = admin_client.post("/admin/boards/board/add/", data)
    assert response.status_code == 302
    board = Board.objects.get(name="Admin's")
    assert memberships(board) == [("staff", "owner")]


def test_a_new_board_takes_its_escalation_and_due_reminder_settings(admin_client):
    data = {
        "name": "Ops",
        "visibility": "private",
        "escalate_after_reminders": "3",
        "remind_hours_before_due": "24",
    }
    data.update(inline_management("memberships", total=0, initial=0))
    assert admin_client.post("/admin/boards/board/add/", data).status_code == 302
    board = Board.objects.get(name="Ops")
    assert (board.escalate_after_reminders, board.remind_hours_before_due) == (3, 24.0)


def test_the_change_form_edits_escalation_and_the_due_reminder(admin_client, board):
    page = admin_client.get(f"/admin/boards/board/{board.pk}/change/").content.decode()
    assert 'name="escalate_after_reminders"' in page
    assert 'name="remind_hours_before_due"' in page
    response = admin_client.post(
        f"/admin/boards/board/{board.pk}/change/",
        board_form(board, escalate_after_reminders="5", remind_hours_before_due="2.5"),
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert (board.escalate_after_reminders, board.remind_hours_before_due) == (5, 2.5)


def test_an_escalation_past_the_limit_is_refused_on_the_form(admin_client, board):
    response = admin_client.post(
        f"/admin/boards/board/{board.pk}/change/",
        board_form(board, escalate_after_reminders="1001"),
    )
    assert response.status_code == 200
    assert "1000" in response.content.decode()
    board.refresh_from_db()
    assert board.escalate_after_reminders == 0


def test_clearing_the_due_reminder_turns_it_off(admin_client, board):
    type(board).objects.filter(pk=board.pk).update(remind_hours_before_due=6)
    board.refresh_from_db()
    response = admin_client.post(
        f"/admin/boards/board/{board.pk}/change/", board_form(board, remind_hours_before_due="")
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.remind_hours_before_due is None


def test_renaming_a_board_goes_through_the_service(admin_client, board):
    response = admin_client.post(
        f"/admin/boards/board/{board.pk}/change/", board_form(board, name="Renamed")
    )
    assert response.status_code == 302
    assert Board.objects.get(pk=board.pk).name == "Renamed"


def test_the_inline_changes_roles_handing_ownership_over_in_one_submit(admin_client, board):
    data = board_form(board, role_olivia="viewer", role_vera="owner")
    response = admin_client.post(f"/admin/boards/board/{board.pk}/change/", data)
    assert response.status_code == 302
    assert dict(memberships(board)) == {"olivia": "viewer", "eddie": "editor", "vera": "owner"}


def test_the_inline_refuses_to_remove_the_last_owner_and_changes_nothing(admin_client, board):
    data = board_form(board, name="Renamed", delete_olivia=True)
    response = admin_client.post(f"/admin/boards/board/{board.pk}/change/", data, follow=True)
    assert "last owner" in response.content.decode()
    assert Board.objects.get(pk=board.pk).name == "Ops"  # the whole submit rolled back
    assert ("olivia", "owner") in memberships(board)


def test_the_default_board_offers_no_delete(admin_client):
    main = default_board()
    response = admin_client.post(f"/admin/boards/board/{main.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Board.objects.filter(pk=main.pk).exists()


def test_deleting_a_board_takes_its_tasks(admin_client, board):
    task = task_create(name="Ship", board=board)
    response = admin_client.post(f"/admin/boards/board/{board.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Board.objects.filter(pk=board.pk).exists()
    assert not Task.objects.filter(pk=task.pk).exists()


def test_bulk_delete_is_not_offered(admin_client, board):
    for path in ("/admin/boards/board/", "/admin/boards/membership/"):
        assert "delete_selected" not in admin_client.get(path).content.decode()


# --- memberships --------------------------------------------------------------------------------


def test_adding_a_membership_goes_through_the_service(admin_client, board, people):
    data = {"board": board.pk, "user": people["outsider"].pk, "role": "editor"}
    response = admin_client.post("/admin/boards/membership/add/", data)
    assert response.status_code == 302
    assert ("oscar", "editor") in memberships(board)


def test_demoting_the_last_owner_is_refused_with_a_message(admin_client, board):
    membership = Membership.objects.get(board=board, user__username="olivia")
    response = admin_client.post(
        f"/admin/boards/membership/{membership.pk}/change/", {"role": "viewer"}, follow=True
    )
    assert "last owner" in response.content.decode()
    assert ("olivia", "owner") in memberships(board)


def test_deleting_the_last_owners_membership_is_refused(admin_client, board):
    membership = Membership.objects.get(board=board, user__username="olivia")
    response = admin_client.post(
        f"/admin/boards/membership/{membership.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "last owner" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_deleting_a_membership_unassigns_the_member(admin_client, board):
    task = task_create(name="Ship", board=board, assignees=["vera"])
    membership = Membership.objects.get(board=board, user__username="vera")
    response = admin_client.post(
        f"/admin/boards/membership/{membership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not task.assignees.exists()


# --- tasks --------------------------------------------------------------------------------------


def task_form(**fields) -> dict:
    return {
        "name": "Deploy",
        "description": "",
        "status": "todo",
        "interval_minutes": "10",
        **fields,
    }


def test_adding_a_task_with_a_board_and_assignees_records_the_admin(
    admin_client, board, people, staff_user
):
    data = task_form(board=board.pk, assignees=[people["editor"].pk])
    response = admin_client.post("/admin/tasks/task/add/", data)
    assert response.status_code == 302
    task = Task.objects.get(name="Deploy")
    assert task.board == board
    assert list(task.assignees.values_list("username", flat=True)) == ["eddie"]
    assert task.created_by == staff_user
    assert TaskChange.objects.get(task=task).kind == "created"


def test_a_task_added_without_a_board_goes_on_the_default_board(admin_client):
    response = admin_client.post("/admin/tasks/task/add/", task_form())
    assert response.status_code == 302
    assert Task.objects.get(name="Deploy").board == default_board()


def test_assigning_a_non_member_on_add_is_refused_with_a_message(admin_client, board, people):
    data = task_form(board=board.pk, assignees=[people["outsider"].pk])
    response = admin_client.post("/admin/tasks/task/add/", data, follow=True)
    assert "Not a member of this board: &#x27;oscar&#x27;" in response.content.decode()
    assert not Task.objects.filter(name="Deploy").exists()


def test_changing_assignees_goes_through_the_service_with_history(
    admin_client, board, people, staff_user
):
    task = task_create(name="Deploy", board=board, interval_minutes=10)
    data = task_form(assignees=[people["viewer"].pk])
    response = admin_client.post(f"/admin/tasks/task/{task.pk}/change/", data)
    assert response.status_code == 302
    assert list(task.assignees.values_list("username", flat=True)) == ["vera"]
    change = TaskChange.objects.filter(task=task).latest("id")
    assert (change.actor, change.changes) == (staff_user, {"assignees": [[], ["vera"]]})


def test_the_change_form_offers_only_the_boards_members_as_assignees(admin_client, board):
    task = task_create(name="Deploy", board=board)
    page = admin_client.get(f"/admin/tasks/task/{task.pk}/change/").content.decode()
    assert ">eddie</option>" in page
    assert ">oscar</option>" not in page


def test_a_tasks_board_cannot_be_changed_in_the_admin(admin_client, board):
    task = task_create(name="Deploy", board=board, interval_minutes=10)
    response = admin_client.post(
        f"/admin/tasks/task/{task.pk}/change/", task_form(board=default_board().pk)
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).board == board
