"""Every endpoint, for every kind of caller: the status, and that a refusal changed nothing.

The subject is a private board "Ops" with one task and one notification. Callers: its owner, an
editor, a viewer, a person who is no member (outsider), anonymous with PUBLIC_READ on and off, a bot
of Ops (an editor), a bot of another board, and the static API_AUTH_TOKEN. Bots are made through
the API as their owners would, so their tokens are real ones.

Expected answers are written out, row by row, rather than computed from the rules: the table is
the specification (boards.access holds the rules).
"""

import hashlib
import json

import pytest
from django.contrib.auth import get_user_model
from django.core import serializers
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import token_create
from boards.models import Board, Membership, Role, Visibility
from notifications.models import InboxEntry, Notification
from tasks.models import Task
from tasks.services import task_create

pytestmark = pytest.mark.django_db

STATIC_TOKEN = "matrix-static-token"
CALLERS = [
    "owner",
    "editor",
    "viewer",
    "outsider",
    "anon",
    "anon_private_reads",
    "bot",
    "other_bot",
    "static",
]


class World:
    """The board under test and a client per caller."""

    def __init__(self, settings):
        settings.API_AUTH_TOKEN = STATIC_TOKEN
        users = get_user_model().objects
        self.people = {
            name: users.create_user(name)  # no password: no hashing, force_login needs none
            for name in ("olga", "ed", "vera", "otto", "newbie")
        }
        self.board = Board.objects.create(name="Ops", visibility=Visibility.PRIVATE)
        self.other_board = Board.objects.create(name="Elsewhere", visibility=Visibility.PRIVATE)
        for username, role in (("olga", Role.OWNER), ("ed", Role.EDITOR), ("vera", Role.VIEWER)):
            Membership.objects.create(board=self.board, user=self.people[username], role=role)
        Membership.objects.create(board=self.other_board, user=self.people["otto"], role="owner")
        self.task = task_create(name="Deploy", board=self.board, status="done")  # + notification
        self.notification = Notification.objects.get(task=self.task)
        self.clients = {
            "owner": self._as(self.people["olga"]),
            "editor": self._as(self.people["ed"]),
            "viewer": self._as(self.people["vera"]),
            "outsider": self._as(self.people["otto"]),
            "anon": APIClient(),
            "anon_private_reads": APIClient(),
            "bot": self._bot(self.board, "olga", "ops-bot"),
            "other_bot": self._bot(self.other_board, "otto", "elsewhere-bot"),
            "static": self._token(STATIC_TOKEN),
        }
        # Each caller's own token to revoke: people get one here, bots have their first.
        self.caller = ""
        self.own_token = {
            caller: token_create(user=self.people[username], name="laptop")[0].pk
            for caller, username in (
                ("owner", "olga"),
                ("editor", "ed"),
                ("viewer", "vera"),
                ("outsider", "otto"),
            )
        }
        for caller, name in (("bot", "ops-bot"), ("other_bot", "elsewhere-bot")):
            self.own_token[caller] = ApiToken.objects.get(user__username=name).pk

    def _as(self, user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    def _token(self, token: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    def _bot(self, board: Board, owner: str, name: str) -> APIClient:
        response = self._as(self.people[owner]).post(
            f"/boards/{board.pk}/bots/", {"name": name, "role": "editor"}
        )
        assert response.status_code == 201, response.content
        return self._token(response.json()["token"])


def snapshot() -> str:
    """A digest of every row a refused request could have touched."""
    rows = [
        *Board.objects.order_by("pk"),
        *Membership.objects.order_by("pk"),
        *Task.objects.order_by("pk"),
        *Notification.objects.order_by("pk"),
        *InboxEntry.objects.order_by("pk"),
    ]
    data = serializers.serialize("json", rows)
    # Tokens, less when they were last used: using one is bookkeeping, not a change it made.
    data += repr(list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "expiry")))
    return hashlib.sha256(data.encode()).hexdigest()


# (method, path template, body, {caller: expected status}). {board}, {task}, {notification} and
# {other} (the other board) are filled in per world. Statuses for writes that succeed are checked
# in a fresh world each, so one success never changes what the next caller sees.
R, W = "read", "write"
READERS_OK = {
    "owner": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anon": 404,
    "anon_private_reads": 401,
    "bot": 200,
    "other_bot": 404,
    "static": 200,
}


def writers(ok: int, *, editors: bool) -> dict:
    """A write on the board: owners (and with `editors`, editors, the bot and the static token)."""
    editor_status = ok if editors else 403
    return {
        "owner": ok,
        "editor": editor_status,
        "viewer": 403,
        "outsider": 404,
        "anon": 401,
        "anon_private_reads": 401,
        "bot": editor_status,
        "other_bot": 404,
        "static": editor_status,
    }


SIGNED_IN = {**dict.fromkeys(CALLERS, 200), "anon": 401, "anon_private_reads": 401}

MATRIX = [
    # A caller's own tokens: people make them; bots and the static token cannot.
    (R, "GET", "/tokens/", None, SIGNED_IN),
    (
        W,
        "POST",
        "/tokens/",
        {"name": "laptop"},
        {
            **SIGNED_IN,
            **dict.fromkeys(["owner", "editor", "viewer", "outsider"], 201),
            "bot": 403,
            "other_bot": 403,
            "static": 403,
        },
    ),
    (
        W,
        "DELETE",
        "/tokens/{own_token}",
        None,
        {**dict.fromkeys(CALLERS, 204), "anon": 401, "anon_private_reads": 401, "static": 404},
    ),
    # Boards
    (R, "GET", "/boards/", None, {**dict.fromkeys(CALLERS, 200), "anon_private_reads": 401}),
    (
        W,
        "POST",
        "/boards/",
        {"name": "New"},
        # Bots work on the boards they were given: they make none.
        {
            **dict.fromkeys(CALLERS, 201),
            "anon": 401,
            "anon_private_reads": 401,
            "bot": 403,
            "other_bot": 403,
        },
    ),
    (R, "GET", "/boards/{board}", None, READERS_OK),
    (W, "PATCH", "/boards/{board}", {"name": "Renamed"}, writers(200, editors=False)),
    (W, "DELETE", "/boards/{board}", None, writers(200, editors=False)),
    # Members
    (R, "GET", "/boards/{board}/members/", None, READERS_OK),
    (
        W,
        "POST",
        "/boards/{board}/members/",
        {"username": "newbie", "role": "viewer"},
        writers(201, editors=False),
    ),
    (W, "PATCH", "/boards/{board}/members/vera", {"role": "editor"}, writers(200, editors=False)),
    (W, "DELETE", "/boards/{board}/members/vera", None, writers(200, editors=False)),
    # Bots
    (R, "GET", "/boards/{board}/bots/", None, {**writers(200, editors=False)}),
    (
        W,
        "POST",
        "/boards/{board}/bots/",
        {"name": "deploy-bot", "role": "viewer"},
        writers(201, editors=False),
    ),
    (W, "DELETE", "/boards/{board}/bots/ops-bot", None, writers(204, editors=False)),
    # Tasks
    (R, "GET", "/tasks/?board={board}", None, READERS_OK),
    (R, "GET", "/tasks/{task}", None, READERS_OK),
    (
        W,
        "POST",
        "/tasks/",
        {"name": "New", "board": "{board}"},
        # Naming a board you cannot see is the same 400 as naming one that does not exist.
        {**writers(200, editors=True), "outsider": 400, "other_bot": 400},
    ),
    (W, "PATCH", "/tasks/{task}", {"status": "todo"}, writers(200, editors=True)),
    (W, "PUT", "/tasks/{task}", {"name": "Renamed"}, writers(200, editors=True)),
    (W, "DELETE", "/tasks/{task}", None, writers(200, editors=True)),
    # Notifications: in the caller's own inbox (people and bots) or the shared one.
    (R, "GET", "/notifications/", None, {**dict.fromkeys(CALLERS, 200), "anon_private_reads": 401}),
    (
        R,
        "GET",
        "/notifications/unread-count",
        None,
        {**dict.fromkeys(CALLERS, 200), "anon_private_reads": 401},
    ),
    (
        W,
        "PATCH",
        "/notifications/{notification}/read",
        None,
        {
            # Recipients of an unassigned task: the owners and editors (not the viewer, not bots:
            # the bot is an editor, so it is one).
            "owner": 200,
            "editor": 200,
            "viewer": 404,
            "outsider": 404,
            "anon": 401,
            "anon_private_reads": 401,
            "bot": 404,  # made after the notification was written: not a recipient of it
            "other_bot": 404,
            "static": 200,
        },
    ),
    (
        W,
        "POST",
        "/notifications/read-all",
        None,
        {**dict.fromkeys(CALLERS, 200), "anon": 401, "anon_private_reads": 401},
    ),
]


def fill(template, world: World):
    if template is None:
        return None
    values = {
        "own_token": world.own_token.get(world.caller, 0),
        "board": world.board.pk,
        "task": world.task.pk,
        "notification": world.notification.pk,
        "other": world.other_board.pk,
    }
    if isinstance(template, str):
        return template.format(**values)
    body = json.loads(json.dumps(template))
    for key, value in body.items():
        if isinstance(value, str) and value.startswith("{"):
            body[key] = int(value.format(**values))
    return body


CASES = [
    pytest.param(kind, method, path, body, caller, expected[caller], id=f"{method} {path} {caller}")
    for kind, method, path, body, expected in MATRIX
    for caller in CALLERS
]


@pytest.mark.parametrize(("kind", "method", "path", "body", "caller", "expected"), CASES)
def test_permission_matrix(settings, kind, method, path, body, caller, expected):
    world = World(settings)
    world.caller = caller
    settings.PUBLIC_READ = caller != "anon_private_reads"
    client = world.clients[caller]
    before = snapshot()
    response = getattr(client, method.lower())(fill(path, world), fill(body, world), format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert snapshot() == before, "a refused request changed something"
        assert "detail" in response.json() or response.status_code == 400
