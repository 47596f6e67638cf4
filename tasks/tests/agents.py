"""Helpers for the scripts-and-agents tests: a board with a bot and its token client."""

from rest_framework.test import APIClient

from accounts.services import bot_create
from boards.models import Board, Role, Visibility
from tasks.models import Task
from tasks.services import task_create


def agent_board(name: str = "Ops") -> Board:
    return Board.objects.create(name=name, visibility=Visibility.PRIVATE)


def bot_client(board: Board, name: str = "ci-bot", role: str = Role.EDITOR) -> APIClient:
    bot, token = bot_create(board=board, name=name, role=role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.user = bot
    return client


def board_task(board: Board, name: str = "Nightly backup", **fields) -> Task:
    return task_create(name=name, board=board, **fields)
