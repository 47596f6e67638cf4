"""The board page with boards and people: which board it shows, who may change it, assignee chips,
the assignee filter and the switcher."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.html import escape

from board.tests.board_factories import bulk_boards, member
from boards.access import default_board
from boards.models import Role, Visibility
from tasks.services import task_create

pytestmark = pytest.mark.django_db


def person(username: str, **fields):
    return get_user_model().objects.create_user(username, **fields)


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def main():
    return default_board()


@pytest.fixture
def private_board():
    return bulk_boards(1, visibility=Visibility.PRIVATE)[0]


@pytest.fixture
def alice(main):
    alice = person("alice", first_name="Alice", last_name="Smith")
    member(alice, main, Role.EDITOR)
    return alice


def test_the_board_named_by_board_shows_its_tasks_only(alice, private_board):
    member(alice, private_board, Role.VIEWER)
    task_create(name="On main")
    task_create(name="On the private board", board=private_board)
    html = client_of(alice).get(f"/?board={private_board.pk}").content.decode()
    assert "On the private board" in html and "On main" not in html
    assert f'data-board-id="{private_board.pk}"' in html


def test_no_board_named_shows_the_default_board(alice, main):
    html = client_of(alice).get("/").content.decode()
    assert f'data-board-id="{main.pk}"' in html


def test_a_person_who_may_not_read_the_default_board_gets_their_first_board(
    settings, private_board
):
    settings.PUBLIC_READ = False
    dave = person("dave")
    member(dave, private_board, Role.VIEWER)
    html = client_of(dave).get("/").content.decode()
    assert f'data-board-id="{private_board.pk}"' in html


def test_a_person_without_boards_is_told_so(settings, main):
    settings.PUBLIC_READ = False
    response = client_of(person("dave")).get("/")
    assert response.status_code == 200
    assert b"No boards yet" in response.content and b'data-action="new-board"' in response.content


@pytest.mark.parametrize("board", ["private", "missing", "abc", "-1", "1.5", "9" * 30])
def test_a_board_the_viewer_may_not_read_is_a_404_page_that_says_nothing_more(private_board, board):
    board_id = {"private": private_board.pk, "missing": private_board.pk + 100}.get(board, board)
    for viewer in (None, person(f"outsider-{board}")):
        response = client_of(viewer).get(f"/?board={board_id}")
        assert response.status_code == 404
        assert b"Board not found" in response.content
        assert private_board.name.encode() not in response.content


def test_a_private_board_is_refused_to_its_fragments_too(private_board):
    for path in ["/board/columns", "/board/state"]:
        response = Client().get(path, {"board": private_board.pk})
        assert response.status_code == 404
        assert response.json() == {"detail": "Board not found"}


def test_anonymous_visitors_of_a_private_site_are_sent_to_log_in_whatever_the_board(
    settings, private_board
):
    settings.PUBLIC_READ = False
    response = Client().get(f"/?board={private_board.pk}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")


def test_a_viewer_sees_a_read_only_board_with_a_note(main):
    viewer = person("vera")
    member(viewer, main, Role.VIEWER)
    task_create(name="Deploy")
    html = client_of(viewer).get("/").content.decode()
    assert 'id="add-task-form"' not in html and '<template id="move-buttons">' not in html
    assert 'data-can-edit="false"' in html
    assert "You are a viewer of this board" in html


def test_a_logged_in_non_member_of_a_public_board_reads_it_with_a_note(main):
    html = client_of(person("nina")).get("/").content.decode()
    assert 'id="add-task-form"' not in html
    assert "You are not a member of this board" in html


@pytest.mark.parametrize("role", [Role.EDITOR, Role.OWNER])
def test_editors_and_owners_get_the_write_controls(main, role):
    editor = person("eddie")
    member(editor, main, role)
    html = client_of(editor).get("/").content.decode()
    assert 'id="add-task-form"' in html and 'data-can-edit="true"' in html


def test_the_settings_link_says_what_the_viewer_may_do_there(alice, main):
    owner = person("olga")
    member(owner, main, Role.OWNER)
    assert "Settings and members" in client_of(owner).get("/").content.decode()
    html = client_of(alice).get("/").content.decode()
    assert f'href="/board/{main.pk}/settings"' in html and "Settings and members" not in html


def test_cards_show_their_assignees_initials_with_the_name_on_hover(alice, main):
    member(person("dave"), main)
    task_create(name="Deploy", assignees=["alice", "dave"])
    html = Client().get(f"/board/columns?board={main.pk}").content.decode()
    card = html[html.index('<li class="card"') :]
    card = card[: card.index("</li>")]
    assert 'title="Alice Smith" aria-label="Assigned to Alice Smith">AS</span>' in card
    assert 'title="dave" aria-label="Assigned to dave">DA</span>' in card
    assert card.index("AS</span>") < card.index("DA</span>")


def test_a_hostile_full_name_is_escaped_on_the_card(main):
    hostile = person("mallory", first_name='<img src=x onerror="alert(1)">')
    member(hostile, main)
    task_create(name="Deploy", assignees=["mallory"])
    html = Client().get("/").content.decode()
    assert "<img src=x" not in html


def test_the_task_dialog_and_the_new_task_form_offer_the_boards_members(alice, main):
    member(person("dave"), main, Role.VIEWER)
    html = client_of(alice).get("/").content.decode()
    assert html.count('name="assignees" value="alice"') == 2
    assert html.count('name="assignees" value="dave"') == 2


@pytest.mark.parametrize(
    ("assignee", "shown"),
    [("me", ["Alice's", "Both"]), ("none", ["Nobody's"]), ("dave", ["Both"]), ("", None)],
)
def test_the_board_filters_by_assignee(alice, main, assignee, shown):
    member(person("dave"), main)
    task_create(name="Alice's", assignees=["alice"])
    task_create(name="Both", assignees=["alice", "dave"])
    task_create(name="Nobody's")
    html = client_of(alice).get("/", {"assignee": assignee}).content.decode()
    names = ["Alice's", "Both", "Nobody's"]
    on_board = [name for name in names if ">" + escape(name) + "</button>" in html]
    assert on_board == (shown or names)


def test_the_assignee_filter_is_kept_by_the_columns_links(alice, main):
    html = client_of(alice).get("/", {"assignee": "me"}).content.decode()
    assert 'aria-pressed="true"' in html
    assert '<option value="me" selected>' in html
    assert "Showing tasks assigned to you" in html


def test_assigned_to_me_for_anonymous_visitors_shows_nothing(main):
    task_create(name="Deploy")
    html = Client().get("/", {"assignee": "me"}).content.decode()
    assert ">Deploy</button>" not in html and "No matching tasks" in html


def test_the_assignee_filter_keeps_the_logged_in_fragment_at_five_queries(
    alice, main, django_assert_num_queries
):
    task_create(name="Deploy", assignees=["alice"])
    client = client_of(alice)
    # The session and its user, the board with the viewer's role, the cards, their assignees.
    with django_assert_num_queries(5):
        response = client.get("/board/columns", {"board": main.pk, "assignee": "me"})
    assert b"Deploy" in response.content


def test_the_switcher_lists_the_boards_the_viewer_may_read(alice, main, private_board):
    others_private = bulk_boards(1)[0]
    others_private.name = "Somebody else's"
    others_private.save()
    member(alice, private_board, Role.VIEWER)
    html = client_of(alice).get("/").content.decode()
    switcher = html[html.index('id="board-switcher"') : html.index("</details>")]
    assert f'href="/?board={main.pk}" class="switcher-item" aria-current="page"' in switcher
    assert f'href="/?board={private_board.pk}"' in switcher
    assert "Somebody else" not in html


def test_anonymous_visitors_get_no_new_board_button(main):
    assert b'data-action="new-board"' not in Client().get("/").content
