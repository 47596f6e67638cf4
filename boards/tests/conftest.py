"""A board's cast (boards.tests.cast): an owner, an editor and a viewer, an outsider; API clients."""

import pytest
from rest_framework.test import APIClient

from boards.models import Board, Visibility
from boards.tests.cast import SITUATIONS, board_with_cast, make_people


@pytest.fixture
def people(db) -> dict:
    return make_people()


@pytest.fixture
def board(people) -> Board:
    """A private board: olivia owns it, eddie edits, vera views; oscar is no member."""
    return board_with_cast(people, name="Ops", visibility=Visibility.PRIVATE)


@pytest.fixture
def client_of(people):
    """An API client acting as one of the cast (`"anonymous"`: no credentials)."""

    def make(who: str) -> APIClient:
        client = APIClient()
        if who != "anonymous":
            client.force_authenticate(people[who])
        return client

    return make


@pytest.fixture(params=SITUATIONS, ids=lambda s: f"{s[0]}-public_read_{'on' if s[1] else 'off'}")
def situation(request, settings, board) -> tuple[str, bool]:
    """The `board` fixture made private or public, with PUBLIC_READ on or off."""
    visibility, public_read = request.param
    settings.PUBLIC_READ = public_read
    Board.objects.filter(pk=board.pk).update(visibility=visibility)
    board.visibility = visibility
    return request.param
