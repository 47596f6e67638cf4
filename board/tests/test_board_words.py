"""The board shows what applies, in words: intervals with units, no reminder interval on done work,
no template text."""

import pytest
from django.test import Client

from tasks.services import task_create

pytestmark = pytest.mark.django_db


def board_page() -> str:
    return Client().get("/").content.decode()


def test_cards_show_the_interval_in_its_unit():
    task_create(name="Heartbeat", interval_minutes=0.05)
    task_create(name="Backup", interval_minutes=120)
    page = board_page()
    assert "Every 3 s" in page
    assert "Every 2 h" in page


def test_a_done_card_shows_no_reminder_interval():
    task_create(name="Shipped", status="done", interval_minutes=120)
    assert "Every 2 h" not in board_page()


def test_the_board_shows_no_template_comment():
    assert "{#" not in board_page()
