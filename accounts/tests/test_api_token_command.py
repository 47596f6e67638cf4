import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def run(*args: str, capsys) -> str:
    call_command("api_token", *args)
    return capsys.readouterr().out.strip()


def test_creates_a_token_and_prints_only_the_key(user, capsys):
    key = run("alice", capsys=capsys)
    assert key == Token.objects.get(user=user).key


def test_printed_token_authenticates_api_writes(user, capsys):
    key = run("alice", capsys=capsys)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.post("/tasks/", {"name": "Backup"}).status_code == 200


def test_refuses_to_replace_a_token_without_rotate(user, capsys):
    key = run("alice", capsys=capsys)
    with pytest.raises(CommandError, match="--rotate"):
        call_command("api_token", "alice")
    assert Token.objects.get(user=user).key == key


def test_rotate_replaces_the_token_and_the_old_one_stops_working(user, capsys):
    old_key = run("alice", capsys=capsys)
    new_key = run("alice", "--rotate", capsys=capsys)
    assert new_key != old_key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {old_key}")
    assert client.post("/tasks/", {"name": "Backup"}).status_code == 401


def test_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("api_token", "nobody")
