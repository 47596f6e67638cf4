"""The board's cards show a task's priority, due date (overdue in red), tags and progress."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tasks.services import task_create

pytestmark = pytest.mark.django_db

PHASES = [{"name": "Build", "todos": [{"name": "a", "status": "done"}, {"name": "b"}]}]


def card_of(client, name: str) -> str:
    page = client.get("/").content.decode()
    start = page.index(f">{name}</button>")
    return page[page.rindex('<li class="card"', 0, start) : page.index("</li>", start)]


def test_a_card_shows_priority_tags_and_todo_progress(client):
    task_create(name="Release", priority="critical", context_tags="ops, db", phases=PHASES)
    card = card_of(client, "Release")
    assert 'class="chip chip-priority-critical">Critical<' in card
    assert ">#ops<" in card and ">#db<" in card
    assert '<progress max="100" value="50"' in card and "1/2 todos" in card


def test_an_overdue_card_is_marked_red(client):
    task_create(name="Late", due_date=timezone.now() - timedelta(hours=2))
    card = card_of(client, "Late")
    assert "chip-overdue" in card and "Overdue" in card


def test_a_card_due_later_is_not_overdue(client):
    task_create(name="Later", due_date=timezone.now() + timedelta(days=2))
    card = card_of(client, "Later")
    assert "chip-overdue" not in card and "Due <time" in card


def card_names(client, query: str) -> list[str]:
    page = client.get("/" + query).content.decode()
    return sorted(
        part.split("</button>")[0]
        for part in page.split('class="card-title" aria-haspopup="dialog">')[1:]
    )


def test_the_board_filters_by_priority_tag_and_due(client):
    now = timezone.now()
    task_create(name="Late", priority="high", context_tags="ops", due_date=now - timedelta(hours=1))
    task_create(name="Soon", priority="low", context_tags="ops", due_date=now + timedelta(days=3))
    task_create(name="Someday", priority="high", context_tags="db")
    assert card_names(client, "?priority=high") == ["Late", "Someday"]
    assert card_names(client, "?tag=ops") == ["Late", "Soon"]
    assert card_names(client, "?due=overdue") == ["Late"]
    assert card_names(client, "?due=week&tag=ops") == ["Soon"]
    assert card_names(client, "?priority=high&tag=db&q=some") == ["Someday"]


def test_the_columns_fragment_filters_too(client):
    task_create(name="Late", priority="high")
    task_create(name="Other")
    page = client.get("/board/columns?priority=high").content.decode()
    assert ">Late</button>" in page and ">Other</button>" not in page


def test_a_tag_shows_in_its_board_colour(client):
    from boards.access import default_board
    from boards.models import Board

    Board.objects.filter(pk=default_board().pk).update(tag_colours={"ops": "rose"})
    task_create(name="Coloured", context_tags="ops, db")
    card = card_of(client, "Coloured")
    assert '<span class="chip chip-tag avatar-3">#ops</span>' in card
    assert '<span class="chip chip-tag ">#db</span>' in card
