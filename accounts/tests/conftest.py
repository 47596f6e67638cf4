"""Boards with people and bots on them, and clients that send a token."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from accounts.services import bot_create
from boards.models import Board, Membership, Role, Visibility


def client_with(authorization: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)
    return client


def bearer(token: str) -> APIClient:
    return client_with(f"Bearer {token}")


@pytest.fixture
def make_board(db):
    def make(name: str = "Ops", visibility: str = Visibility.PRIVATE, **members: str) -> Board:
        """A board with members given as username=role (the users are made when missing)."""
        board = Board.objects.create(name=name, visibility=visibility)
        for username, role in members.items():
            person, _ = get_user_model().objects.get_or_create(username=username)
            Membership.objects.create(board=board, user=person, role=role)
        return board

    return make


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user("olive", password="olive-password-1")


@pytest.fixture
def board(make_board, owner) -> Board:
    board = make_board("Ops")
    Membership.objects.create(board=board, user=owner, role=Role.OWNER)
    return board


@pytest.fixture
def owner_client(owner) -> APIClient:
    client = APIClient()
    client.force_login(owner)
    return client


@pytest.fixture
def make_bot(owner):
    def make(board: Board, name: str = "ci-bot", role: str = Role.EDITOR, **options):
        """A bot on `board` and its token."""
        return bot_create(board=board, name=name, role=role, actor=owner, **options)

    return make
