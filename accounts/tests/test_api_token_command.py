from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.crypto import hash_token

from accounts.models import ApiToken, Bot
from accounts.services import token_create
from accounts.tests.conftest import bearer
from boards.models import Membership, Role

pytestmark = pytest.mark.django_db


def run(*args: str, capsys) -> str:
    call_command("api_token", *args)
    return capsys.readouterr().out.strip()


def test_creates_a_token_and_prints_only_the_token(user, capsys):
    token = run("alice", capsys=capsys)
    stored = ApiToken.objects.get(user=user)
    assert stored.digest == hash_token(token)
    assert (stored.name, stored.expiry) == ("cli", None)


def test_printed_token_authenticates_api_writes(user, capsys):
    token = run("alice", capsys=capsys)
    assert bearer(token).post("/tasks/", {"name": "Backup"}).status_code == 200


def test_refuses_to_replace_a_token_without_rotate(user, capsys):
    token = run("alice", capsys=capsys)
    with pytest.raises(CommandError, match="--rotate"):
        call_command("api_token", "alice")
    assert ApiToken.objects.get(user=user).digest == hash_token(token)


def test_rotate_replaces_the_token_and_the_old_one_stops_working(user, capsys):
    old_token = run("alice", capsys=capsys)
    new_token = run("alice", "--rotate", capsys=capsys)
    assert new_token != old_token
    assert bearer(old_token).post("/tasks/", {"name": "Backup"}).status_code == 401
    assert bearer(new_token).post("/tasks/", {"name": "Backup"}).status_code == 200


def test_rotate_leaves_tokens_of_other_names(user, capsys):
    _, script_token = token_create(user=user, name="backup script")
    run("alice", capsys=capsys)
    run("alice", "--rotate", capsys=capsys)
    assert bearer(script_token).post("/tasks/", {"name": "Backup"}).status_code == 200
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["backup script", "cli"]


def test_name_gives_the_token_another_name(user, capsys):
    run("alice", capsys=capsys)
    run("alice", "--name", "backup", capsys=capsys)
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["backup", "cli"]


@pytest.mark.parametrize(
    ("text", "lifetime"), [("90d", timedelta(days=90)), ("12h", timedelta(hours=12))]
)
def test_expires_sets_the_lifetime(user, capsys, text, lifetime):
    before = timezone.now()
    run("alice", "--expires", text, capsys=capsys)
    expiry = ApiToken.objects.get().expiry
    assert before + lifetime <= expiry <= timezone.now() + lifetime


@pytest.mark.parametrize("text", ["90", "0d", "-1d", "3w", "d", "1.5d", "9999999d"])
def test_a_bad_duration_is_an_error_and_makes_nothing(user, text):
    with pytest.raises(CommandError, match="--expires takes"):
        call_command("api_token", "alice", f"--expires={text}")
    assert not ApiToken.objects.exists()


def test_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("api_token", "nobody")


def test_a_person_or_a_bot_not_both_nor_neither(user):
    with pytest.raises(CommandError, match="Name a person"):
        call_command("api_token")
    with pytest.raises(CommandError, match="Name a person"):
        call_command("api_token", "alice", "--bot", "ci")


def test_board_without_bot_is_an_error(user, board):
    with pytest.raises(CommandError, match="go with --bot"):
        call_command("api_token", "alice", "--board", str(board.pk))


# --- bots -----------------------------------------------------------------------------------


def test_bot_is_made_with_its_membership_and_a_token(board, capsys):
    token = run("--bot", "ci", "--board", str(board.pk), "--role", "viewer", capsys=capsys)
    bot = get_user_model().objects.get(username="ci")
    assert Bot.objects.filter(user=bot, created_by=None).exists()
    assert Membership.objects.get(user=bot).role == Role.VIEWER
    assert ApiToken.objects.get(user=bot).digest == hash_token(token)
    assert bearer(token).get(f"/boards/{board.pk}/bots/").status_code == 403  # a viewer


def test_bot_role_defaults_to_editor(board, capsys):
    run("--bot", "ci", "--board", str(board.pk), capsys=capsys)
    assert Membership.objects.get(user__username="ci").role == Role.EDITOR


def test_bot_with_expires(board, capsys):
    run("--bot", "ci", "--board", str(board.pk), "--expires", "90d", capsys=capsys)
    assert ApiToken.objects.get(user__username="ci").expiry is not None


def test_an_existing_bot_is_added_to_another_board(board, make_board, make_bot, capsys):
    bot, first_token = make_bot(board, "ci")
    other = make_board("Other")
    token = run("--bot", "ci", "--board", str(other.pk), "--role", "viewer", capsys=capsys)
    roles = dict(Membership.objects.filter(user=bot).values_list("board_id", "role"))
    assert roles == {board.pk: Role.EDITOR, other.pk: Role.VIEWER}
    # The bot keeps the token it was made with, and gets one named "cli".
    assert bearer(first_token).get("/tokens/").status_code == 200
    assert bearer(token).get("/tokens/").status_code == 200


def test_an_existing_membership_gets_the_new_role(board, make_bot, capsys):
    bot, _ = make_bot(board, "ci", role=Role.EDITOR)
    run("--bot", "ci", "--board", str(board.pk), "--role", "viewer", capsys=capsys)
    assert Membership.objects.get(user=bot).role == Role.VIEWER


def test_an_existing_membership_keeps_its_role_without_role(board, make_bot, capsys):
    bot, _ = make_bot(board, "ci", role=Role.VIEWER)
    run("--bot", "ci", "--board", str(board.pk), capsys=capsys)
    assert Membership.objects.get(user=bot).role == Role.VIEWER


def test_bot_rotate_replaces_its_cli_token(board, capsys):
    old = run("--bot", "ci", "--board", str(board.pk), capsys=capsys)
    with pytest.raises(CommandError, match="--rotate"):
        call_command("api_token", "--bot", "ci", "--board", str(board.pk))
    new = run("--bot", "ci", "--board", str(board.pk), "--rotate", capsys=capsys)
    assert bearer(old).get("/tokens/").status_code == 401
    assert bearer(new).get("/tokens/").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bot", "ci"], "needs --board"),
        (["--bot", "ci", "--board", "999999"], "No board with id '999999'"),
        (["--bot", "ci", "--board", "main"], "No board with id 'main'"),
        (["--bot", "ci", "--board", "{board}", "--role", "owner"], "--role is viewer or editor"),
        (["--bot", "ci", "--board", "{board}", "--role", "boss"], "--role is viewer or editor"),
        (["--bot", "has space", "--board", "{board}"], "Enter a valid username"),
        (["--bot", "olive", "--board", "{board}"], "is a person, not a bot"),
        (["--bot", "api-token", "--board", "{board}"], "is taken"),
    ],
)
def test_bad_bot_input_is_an_error_and_changes_nothing(board, args, message):
    users_before = get_user_model().objects.count()
    memberships_before = Membership.objects.count()
    args = [arg.format(board=board.pk) for arg in args]
    with pytest.raises(CommandError, match=message):
        call_command("api_token", *args)
    assert get_user_model().objects.count() == users_before
    assert Membership.objects.count() == memberships_before
    assert not ApiToken.objects.exists()


def test_a_bot_is_refused_as_a_person(board, make_bot):
    make_bot(board, "ci")
    with pytest.raises(CommandError, match="is a bot: use --bot ci"):
        call_command("api_token", "ci")
