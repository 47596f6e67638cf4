from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from board.selectors import DONE_COLUMN_LIMIT
from board.templatetags.board import relative_time
from board.tests.board_factories import bulk_boards, bulk_tasks, member, tasks_over_boards
from boards.access import default_board
from boards.models import Role, Visibility
from notifications.services import notification_create
from tasks.services import task_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client() -> Client:
    return Client()


@pytest.fixture
def logged_in_client(user) -> Client:
    """alice, an editor of the default board (conftest)."""
    client = Client()
    client.force_login(user)
    return client


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person(username: str, **fields):
    return get_user_model().objects.create_user(username, **fields)


def test_anonymous_board_shows_tasks_in_their_columns(browser_client, make_task):
    make_task("Write report")
    make_task("Deploy", status="in_progress")
    html = browser_client.get("/").content.decode()
    todo, in_progress, done = (
        html.index(f'data-status="{status}"') for status in ["todo", "in_progress", "done"]
    )
    assert todo < html.index("Write report") < in_progress < html.index("Deploy") < done


@pytest.fixture
def twenty_boards():
    """10,000 tasks over 20 public boards (the default board among them)."""
    boards = [default_board(), *bulk_boards(19, visibility=Visibility.PUBLIC)]
    tasks_over_boards(10_000, boards)
    return boards


def test_anonymous_board_renders_in_five_queries_with_10000_tasks_over_20_boards(
    browser_client, twenty_boards, django_assert_num_queries
):
    # The boards for the switcher (and the one asked for among them), the board's members, the
    # cards with their counts, the cards' assignees, the unread count.
    with django_assert_num_queries(5):
        response = browser_client.get(f"/?board={twenty_boards[7].pk}")
    assert response.status_code == 200
    assert response.content.count(b'<li class="card"') == 167 + 167 + 20


def test_logged_in_board_renders_in_seven_queries_with_10000_tasks_over_20_boards(
    user, twenty_boards, django_assert_num_queries
):
    member(user, twenty_boards[7], Role.EDITOR)
    client = client_of(user)
    # The session and its user, the boards with the viewer's roles, the members, the cards, their
    # assignees, the viewer's own unread count.
    with django_assert_num_queries(7):
        response = client.get(f"/?board={twenty_boards[7].pk}")
    assert b'id="add-task-form"' in response.content


def test_the_columns_fragment_keeps_the_card_named_by_keep_in_three_queries(
    browser_client, django_assert_num_queries
):
    tasks = bulk_tasks(1000, statuses=("todo",))
    board = default_board()
    # The board (may the viewer read it?), the cards with their counts, their assignees.
    with django_assert_num_queries(3):
        html = browser_client.get(
            f"/board/columns?board={board.pk}&keep={tasks[-1].pk}"
        ).content.decode()
    assert f'id="task-{tasks[-1].pk}"' in html
    assert f'id="task-{tasks[-2].pk}"' not in html


@pytest.mark.parametrize("keep", ["abc", "-1", "1e3", "９", "9" * 40, ""])
def test_a_keep_that_is_not_an_id_is_ignored(browser_client, make_task, keep):
    make_task("Deploy")
    response = browser_client.get("/board/columns", {"keep": keep})
    assert response.status_code == 200
    assert b"Deploy" in response.content


def test_anonymous_visitors_get_a_log_in_link_and_no_write_controls(browser_client, make_task):
    make_task("Deploy")
    html = browser_client.get("/").content.decode()
    assert 'href="/accounts/login/?next=/"' in html
    assert 'id="read-only-note"' in html
    assert "add-task-form" not in html
    assert 'data-action="move"' not in html


def test_a_hostile_task_name_is_escaped(browser_client, make_task):
    make_task("<img src=x onerror=alert(1)>")
    html = browser_client.get("/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_board_pages_forbid_inline_script(browser_client):
    for path in ["/", "/board/columns", "/accounts/login/"]:
        policy = browser_client.get(path).headers["Content-Security-Policy"]
        directives = dict(directive.split(" ", 1) for directive in policy.split("; "))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert "unsafe" not in policy


def test_private_board_sends_anonymous_visitors_to_log_in(browser_client, settings):
    settings.PUBLIC_READ = False
    response = browser_client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/"


def test_columns_fragment_is_only_the_columns(browser_client, make_task):
    make_task("Deploy")
    html = browser_client.get(f"/board/columns?board={default_board().pk}&q=dep").content.decode()
    assert html.startswith('<div id="board-columns"')
    assert "Deploy" in html and "<html" not in html


def test_state_answers_304_while_nothing_changed(browser_client, make_task):
    make_task("Deploy")
    first = browser_client.get("/board/state")
    again = browser_client.get("/board/state", HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert again.status_code == 304


def test_state_of_a_board_reads_in_two_queries(
    browser_client, twenty_boards, django_assert_num_queries
):
    # The board's summary (only if the viewer may read it), the unread count.
    with django_assert_num_queries(2):
        response = browser_client.get(f"/board/state?board={twenty_boards[3].pk}")
    assert response.status_code == 200


def test_state_is_per_board(browser_client, make_task):
    other = bulk_boards(1, visibility=Visibility.PUBLIC)[0]
    first = browser_client.get(f"/board/state?board={other.pk}")
    make_task("On the default board")
    again = browser_client.get(
        f"/board/state?board={other.pk}", HTTP_IF_NONE_MATCH=first.headers["ETag"]
    )
    assert again.status_code == 304
    task_create(name="On the other board", board=other)
    assert (
        browser_client.get(
            f"/board/state?board={other.pk}", HTTP_IF_NONE_MATCH=first.headers["ETag"]
        ).status_code
        == 200
    )


def test_state_answers_the_new_unread_count_after_a_change(browser_client):
    first = browser_client.get("/board/state")
    notification_create(message="Reminder")
    response = browser_client.get("/board/state", HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert response.status_code == 200
    assert response.json()["unread_count"] == 1


def test_log_in_page_logs_in_and_returns_to_the_board(browser_client, user):
    response = browser_client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-password-1", "next": "/"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert b'id="add-task-form"' in browser_client.get("/").content


def test_the_add_task_button_waits_for_the_script_that_sends_it(logged_in_client):
    # The form has no action: submitted natively, before forms.js takes it over, it would reload
    # the page as a GET that drops ?board= and the typed task.
    html = logged_in_client.get("/").content.decode()
    form = html[html.index('id="add-task-form"') :]
    assert '<button type="submit" disabled' in form[: form.index("</form>")]


def test_log_out_returns_to_the_read_only_board(logged_in_client):
    response = logged_in_client.post("/accounts/logout/")
    assert response.headers["Location"] == "/"
    assert b"add-task-form" not in logged_in_client.get("/").content


def test_relative_times_read_like_speech():
    now = timezone.now()
    assert relative_time(now + timedelta(minutes=12, seconds=5), now) == "in 12 min"
    assert relative_time(now + timedelta(minutes=59, seconds=50), now) == "in 1 h"
    assert relative_time(now - timedelta(hours=3), now) == "3 h ago"
    assert relative_time(now + timedelta(seconds=20), now) == "now"


def test_done_collapses_to_its_latest_cards_with_a_show_all_link(browser_client):
    bulk_tasks(DONE_COLUMN_LIMIT + 3, statuses=("done",))
    html = browser_client.get("/").content.decode()
    assert html.count('class="card"') == DONE_COLUMN_LIMIT
    assert f"Show all {DONE_COLUMN_LIMIT + 3} (+3 earlier)" in html
    assert (
        browser_client.get("/?show=done").content.decode().count('class="card"')
        == DONE_COLUMN_LIMIT + 3
    )


def test_logged_in_board_with_2000_tasks_weighs_under_150_kb(logged_in_client):
    # Issue 12: 482 KB for its 420 cards before the cards were slimmed.
    bulk_tasks(2000)
    response = logged_in_client.get("/")
    assert response.content.count(b'<li class="card"') == 420
    assert len(response.content) < 150 * 1024


def test_logged_in_board_has_one_copy_of_the_arrow_controls(logged_in_client, make_task):
    # The script adds them to each card from this template: the page carries them once.
    make_task("Deploy")
    make_task("Review", status="in_progress")
    html = logged_in_client.get("/").content.decode()
    assert html.count('data-move="next"') == 1
    assert '<template id="move-buttons">' in html


def test_cards_carry_no_data_attributes(browser_client, make_task):
    # The card's id names its task; nothing read the rest (issue 10).
    task = make_task("Deploy", status="in_progress")
    html = browser_client.get("/board/columns").content.decode()
    card = html[html.index('<li class="card"') :]
    card = card[: card.index("</li>")]
    assert f'id="task-{task.pk}"' in card
    assert "data-" not in card
