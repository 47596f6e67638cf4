"""Who is who in the boards tests, and what a refused request must leave as it was."""

from django.contrib.auth import get_user_model

from boards.models import Board, Membership, Role
from boards.services import board_create, member_add
from notifications.models import Notification
from tasks.models import Task

# The people of the `people` fixture: (username, first name, last name). "anonymous" has no account.
CAST = {
    "owner": ("olivia", "Olivia", "Owens"),
    "editor": ("eddie", "Eddie", "Edwards"),
    "viewer": ("vera", "Vera", "Vance"),
    "outsider": ("oscar", "", ""),
}
ACTORS = [*CAST, "anonymous"]


def make_people() -> dict:
    users = get_user_model()
    return {
        who: users.objects.create_user(
            username, f"{username}@example.com", first_name=first, last_name=last
        )
        for who, (username, first, last) in CAST.items()
    }


def board_with_cast(people: dict, *, name: str, visibility: str) -> Board:
    """A board the owner created, with the editor and the viewer as members; the outsider is none."""
    board = board_create(name=name, visibility=visibility, actor=people["owner"])
    for role in (Role.EDITOR, Role.VIEWER):
        member_add(board=board, username=people[role].username, role=role)
    return board


def memberships(board: Board) -> list[tuple[str, str]]:
    return sorted(Membership.objects.filter(board=board).values_list("user__username", "role"))


def snapshot() -> dict:
    """Everything the board endpoints could change."""
    return {
        "boards": list(Board.objects.order_by("id").values_list("id", "name", "visibility")),
        "members": list(
            Membership.objects.order_by("id").values_list("board_id", "user_id", "role")
        ),
        "tasks": list(Task.objects.order_by("id").values_list("id", "board_id")),
        "assignees": list(
            Task.assignees.through.objects.order_by("id").values_list("task_id", "user_id")
        ),
        "notifications": list(Notification.objects.order_by("id").values_list("id", flat=True)),
    }


# The four situations a board's readers depend on: (visibility, settings.PUBLIC_READ).
SITUATIONS = [("private", True), ("private", False), ("public", True), ("public", False)]

# What the cast gets where it differs from success (members read in every situation; the owner
# writes in every situation). Anonymous writes are 401 first of all; a board someone may not read
# is a 404 whatever they ask; a role too low is a 403.
READ_REFUSALS = {
    ("private", True): {"outsider": 404, "anonymous": 404},
    ("private", False): {"outsider": 404, "anonymous": 401},
    ("public", True): {},
    ("public", False): {"outsider": 404, "anonymous": 401},
}
OWNER_WRITE_REFUSALS = {
    ("private", True): {"editor": 403, "viewer": 403, "outsider": 404, "anonymous": 401},
    ("private", False): {"editor": 403, "viewer": 403, "outsider": 404, "anonymous": 401},
    ("public", True): {"editor": 403, "viewer": 403, "outsider": 403, "anonymous": 401},
    ("public", False): {"editor": 403, "viewer": 403, "outsider": 404, "anonymous": 401},
}
