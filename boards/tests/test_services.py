"""boards.services: boards and members, the one-owner rule, its lock, and the events."""

import json
import threading
import time
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from boards.access import default_board, role_on
from boards.models import Board, Membership, Role
from boards.services import (
    board_create,
    board_delete,
    board_update,
    member_add,
    member_remove,
    member_update,
)
from boards.tests.cast import board_with_cast, make_people, memberships
from tasks.models import Task, TaskChange
from tasks.services import task_create
from tracker import events
from tracker.api.authentication import service_account

pytestmark = pytest.mark.django_db


# --- boards -------------------------------------------------------------------------------------


def test_the_creator_owns_a_new_board(people):
    board = board_create(name=" Ops ", visibility="public", actor=people["viewer"])
    assert (board.name, board.visibility, board.is_default) == ("Ops", "public", False)
    assert memberships(board) == [("vera", "owner")]


def test_the_service_account_owns_the_boards_it_creates(db):
    account = service_account()
    board = board_create(name="Scripted", actor=account)
    assert memberships(board) == [("api-token", "owner")]
    assert role_on(account, board) == Role.OWNER
    assert role_on(account, default_board()) == Role.EDITOR  # and edits every other board


@pytest.mark.parametrize(
    ("name", "visibility"), [("", "private"), ("x" * 101, "private"), ("Ops", "open")]
)
def test_an_invalid_board_is_refused_and_not_saved(people, name, visibility):
    with pytest.raises(ValidationError):
        board_create(name=name, visibility=visibility, actor=people["owner"])
    assert not Board.objects.filter(is_default=False).exists()
    assert not Membership.objects.exists()


def test_update_writes_only_the_fields_it_names(board):
    stale = Board.objects.get(pk=board.pk)
    Board.objects.filter(pk=board.pk).update(name="Renamed elsewhere")
    board_update(board=stale, visibility="public")
    board.refresh_from_db()
    assert (board.name, board.visibility) == ("Renamed elsewhere", "public")


def test_update_refuses_a_blank_name(board):
    with pytest.raises(ValidationError):
        board_update(board=board, name="  ")
    assert Board.objects.get(pk=board.pk).name == "Ops"


def test_delete_cascades_to_the_boards_tasks_and_history(board):
    task = task_create(name="Ship", board=board, status="done")
    assert board_delete(board=board) == board.pk
    assert not Task.objects.filter(pk=task.pk).exists()
    assert not TaskChange.objects.filter(board_id=board.pk).exists()


def test_the_default_board_cannot_be_deleted(db):
    main = default_board()
    with pytest.raises(ValidationError, match="is the default board"):
        board_delete(board=main)
    assert Board.objects.filter(pk=main.pk).exists()


# --- members ------------------------------------------------------------------------------------


def test_add_refuses_an_unknown_username_naming_it(board):
    with pytest.raises(ValidationError) as error:
        member_add(board=board, username="ghost", role="viewer")
    assert error.value.message_dict == {"username": ["There is no user named 'ghost'."]}


def test_add_refuses_a_member_already_there(board):
    with pytest.raises(ValidationError, match="already a member"):
        member_add(board=board, username="eddie", role="owner")
    assert ("eddie", "editor") in memberships(board)


def test_add_refuses_an_unknown_role(board):
    with pytest.raises(ValidationError):
        member_add(board=board, username="oscar", role="admin")
    assert "oscar" not in dict(memberships(board))


def test_update_refuses_to_leave_the_board_without_an_owner(board):
    with pytest.raises(ValidationError, match="last owner"):
        member_update(board=board, username="olivia", role="editor")
    assert ("olivia", "owner") in memberships(board)


def test_update_of_an_owner_passes_with_another_owner(board):
    member_update(board=board, username="eddie", role="owner")
    member_update(board=board, username="olivia", role="viewer")
    assert dict(memberships(board)) == {"eddie": "owner", "olivia": "viewer", "vera": "viewer"}


def test_update_of_a_non_member_raises_does_not_exist(board):
    with pytest.raises(Membership.DoesNotExist):
        member_update(board=board, username="oscar", role="viewer")


def test_remove_refuses_the_last_owner(board):
    with pytest.raises(ValidationError, match="last owner"):
        member_remove(board=board, username="olivia")
    assert ("olivia", "owner") in memberships(board)


def test_remove_unassigns_the_member_from_this_boards_tasks_only(board, people):
    main = default_board()
    member_add(board=main, username="vera", role="editor")
    here = task_create(name="Here", board=board, assignees=["vera"])
    there = task_create(name="There", board=main, assignees=["vera"])
    member_remove(board=board, username="vera", actor=people["owner"])
    assert not here.assignees.exists()
    assert list(there.assignees.values_list("username", flat=True)) == ["vera"]
    change = TaskChange.objects.filter(task=here).latest("id")
    assert (change.actor_name, change.changes) == ("olivia", {"assignees": [["vera"], []]})


# --- events -------------------------------------------------------------------------------------


def _events_published(redis_connection, write) -> list[dict]:
    """The events `write()` publishes on this run's channel once its transaction commits."""
    pubsub = redis_connection.pubsub()
    pubsub.subscribe(events.channel())
    try:
        while (pubsub.get_message(timeout=1.0) or {}).get("type") != "subscribe":
            pass
        write()
        received = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.2)
            if message is None:
                if received:
                    break
                continue
            if message["type"] == "message":
                received.append(json.loads(message["data"]))
        return received
    finally:
        pubsub.close()


@pytest.mark.parametrize(
    ("write", "kind"),
    [
        (lambda b: board_update(board=b, name="Renamed"), "board.updated"),
        (lambda b: member_update(board=b, username="vera", role="editor"), "board.updated"),
        (lambda b: member_add(board=b, username="oscar", role="viewer"), "board.updated"),
        (lambda b: member_remove(board=b, username="vera"), "board.updated"),
        (lambda b: board_delete(board=b), "board.deleted"),
    ],
)
def test_each_write_publishes_its_event_after_commit(
    board, redis_connection, django_capture_on_commit_callbacks, write, kind
):
    def commit() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            write(board)

    assert {"type": kind, "data": {"board": board.pk}} in _events_published(
        redis_connection, commit
    )


def test_a_new_board_publishes_board_created(
    people, redis_connection, django_capture_on_commit_callbacks
):
    created = []

    def commit() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            created.append(board_create(name="New", actor=people["owner"]))

    published = _events_published(redis_connection, commit)
    assert {"type": "board.created", "data": {"board": created[0].pk}} in published


# --- the one-owner rule under concurrency (PostgreSQL: row locks decide who waits) ------------------


def _at_once(calls: list) -> list[BaseException | None]:
    """Run each call in its own thread and connection, released together; each one's error."""
    outcomes: list[BaseException | None] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int) -> None:
        try:
            start.wait()
            calls[index]()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return outcomes


ROUNDS = 15
_STEP_DOWN = {
    "demote": lambda board, name: member_update(board=board, username=name, role=Role.EDITOR),
    "remove": lambda board, name: member_remove(board=board, username=name),
}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first", "second"), [("demote", "demote"), ("remove", "remove"), ("demote", "remove")]
)
def test_the_two_last_owners_stepping_down_at_once_leave_one_owner(first, second):
    people = make_people()
    for number in range(ROUNDS):
        board = board_with_cast(people, name=f"Race {number}", visibility="private")
        member_update(board=board, username="eddie", role=Role.OWNER)  # two owners: olivia, eddie
        outcomes = _at_once(
            [
                partial(_STEP_DOWN[first], board, "olivia"),
                partial(_STEP_DOWN[second], board, "eddie"),
            ]
        )
        refused = [error for error in outcomes if error is not None]
        assert len(refused) == 1, outcomes
        assert isinstance(refused[0], ValidationError) and "last owner" in str(refused[0])
        owners = Membership.objects.filter(board=board, role=Role.OWNER).count()
        assert owners == 1, f"round {number}: {owners} owners"
