"""The board settings page, /board/<id>/settings: owners get the forms, others a read-only view."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from board.tests.board_factories import bulk_boards, member
from boards.access import default_board
from boards.models import Board, Role, Visibility

pytestmark = pytest.mark.django_db


def person(username: str, **fields):
    return get_user_model().objects.create_user(username, **fields)


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def board():
    board = bulk_boards(1)[0]
    board.name = "Ops"
    board.save()
    return board


@pytest.fixture
def owner(board):
    owner = person("olga", first_name="Olga", last_name="Owens")
    member(owner, board, Role.OWNER)
    return owner


def settings_of(board, viewer=None):
    return client_of(viewer).get(f"/board/{board.pk}/settings")


def test_an_owner_gets_the_forms_for_name_visibility_members_and_bots(board, owner):
    member(person("dave"), board, Role.VIEWER)
    html = settings_of(board, owner).content.decode()
    assert 'id="board-form"' in html and 'value="Ops"' in html
    assert 'name="visibility" value="private" class="mt-0.5" checked' in html
    assert 'id="member-form"' in html and 'id="bot-form"' in html
    assert 'id="role-dave"' in html and 'data-action="remove-member"' in html
    assert "You are an owner of this board" in html


def test_the_members_list_shows_names_usernames_and_roles_by_username(board, owner):
    member(person("dave", first_name="Dave"), board, Role.VIEWER)
    member(person("zoe"), board, Role.EDITOR)
    html = settings_of(board, owner).content.decode()
    members = html[html.index('id="members-list"') :]
    assert members.index("dave") < members.index("olga") < members.index("zoe")
    assert 'id="member-dave" data-username="dave"' in members
    assert '<option value="viewer" selected>Viewer</option>' in members


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_other_members_see_a_read_only_view_that_says_why(board, owner, role):
    someone = person("sam")
    member(someone, board, role)
    response = settings_of(board, someone)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only its owners may change its settings, members and bots" in html
    assert 'id="board-form"' not in html and 'id="member-form"' not in html
    assert 'data-action="change-role"' not in html and 'id="bot-form"' not in html
    assert "olga" in html  # the members, read-only


def test_a_logged_in_non_member_of_a_public_board_sees_it_read_only():
    html = settings_of(default_board(), person("nina")).content.decode()
    assert "You are not a member of this board" in html and 'id="board-form"' not in html


def test_a_superuser_owns_every_board(board):
    admin = person("root", is_superuser=True, is_staff=True)
    assert 'id="board-form"' in settings_of(board, admin).content.decode()


def test_an_outsider_gets_the_board_not_found_page(board, owner):
    response = settings_of(board, person("outsider"))
    assert response.status_code == 404
    assert b"Board not found" in response.content and b"Ops" not in response.content


def test_a_missing_board_gets_the_same_page(owner):
    response = client_of(owner).get(f"/board/{10**12}/settings")
    assert response.status_code == 404 and b"Board not found" in response.content


def test_anonymous_visitors_are_sent_to_log_in(board):
    response = settings_of(board)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/login/?next=/board/{board.pk}/settings"


def test_the_page_reads_in_four_queries_with_31_members(board, owner, django_assert_num_queries):
    for number in range(30):
        member(person(f"user{number}"), board, Role.EDITOR)
    client = client_of(owner)
    # The session and its user, the boards for the switcher with the viewer's roles, the members.
    with django_assert_num_queries(4):
        response = client.get(f"/board/{board.pk}/settings")
    assert response.content.count(b'data-action="change-role"') == 31


def test_the_default_board_offers_no_delete(owner):
    main = default_board()
    member(owner, main, Role.OWNER)
    assert b'data-action="delete-board"' not in settings_of(main, owner).content


def test_another_board_offers_delete_to_its_owner(board, owner):
    assert b'data-action="delete-board"' in settings_of(board, owner).content


def test_the_public_option_says_what_public_means_here(board, owner, settings):
    settings.PUBLIC_READ = False
    board.visibility = Visibility.PUBLIC
    board.save()
    html = settings_of(board, owner).content.decode()
    assert "PUBLIC_READ is off" in html


def test_an_owner_gets_the_escalation_form_with_the_boards_n(board, owner):
    Board.objects.filter(pk=board.pk).update(escalate_after_reminders=4)
    html = settings_of(board, owner).content.decode()
    assert 'id="escalation-form"' in html
    assert 'value="4" data-saved="4"' in html


def test_others_read_the_escalation_setting(board, owner):
    Board.objects.filter(pk=board.pk).update(escalate_after_reminders=1)
    someone = person("sam")
    member(someone, board, Role.VIEWER)
    html = settings_of(board, someone).content.decode()
    assert 'id="escalation-form"' not in html
    assert "After 1 unanswered reminder<" in html
