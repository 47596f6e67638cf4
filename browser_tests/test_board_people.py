"""Boards and people in the browser: switching boards, assigning in the dialog, the assignee
filter, the per-person bell, the inbox page and the settings page."""

import re
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from boards.access import default_board
from boards.models import Board, Membership, Role, Visibility
from boards.services import member_update
from browser_tests.board_page import card, card_names, column
from browser_tests.conftest import API_TOKEN
from notifications.models import InboxEntry
from notifications.services import notification_create
from tasks.models import Task
from tasks.services import task_create

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}


def person(username: str, board: Board | None = None, role: str = Role.EDITOR, **fields):
    user = get_user_model().objects.create_user(username, **fields)
    if board is not None:
        Membership.objects.create(board=board, user=user, role=role)
    return user


def endpoint_exists(live_url: str, path: str) -> bool:
    """Whether the API answers `path` (some endpoints are being built in parallel)."""
    request = urllib.request.Request(  # noqa: S310 - our own http:// server
        live_url + path, headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            return True
    except urllib.error.HTTPError as error:
        return error.code != 404


@pytest.fixture
def bots_api(live_url, watch) -> bool:
    """Whether the bots endpoints are on this branch (helper tokens builds them in parallel); if
    not, the settings page's request for the bots list is a 404 the console reports."""
    exists = endpoint_exists(live_url, f"/boards/{default_board().pk}/bots/")
    if not exists:
        watch.allow_console_error("status of 404")
    return exists


@pytest.fixture
def ops(member):
    """A private board of alice's besides the default one."""
    board = Board.objects.create(name="Ops", visibility=Visibility.PRIVATE)
    Membership.objects.create(board=board, user=member, role=Role.EDITOR)
    return board


@pytest.fixture
def dave():
    return person("dave", default_board(), first_name="Dave", last_name="Jones")


def test_switch_boards_from_the_header(make_page, member, ops, screenshots):
    task_create(name="On main")
    task_create(name="Ops task", board=ops)
    page = make_page(member, viewport=DESKTOP)
    page.goto("/")
    expect(page.get_by_role("heading", name="Main")).to_be_visible()
    page.locator("#board-switcher summary").click()
    switcher = page.get_by_role("navigation", name="Boards")
    expect(switcher.get_by_role("link", name="Main")).to_have_attribute("aria-current", "page")
    page.screenshot(path=screenshots / "board-switcher.png")
    switcher.get_by_role("link", name="Ops").click()
    expect(page.get_by_role("heading", name="Ops")).to_be_visible()
    assert page.url.endswith(f"/?board={ops.pk}")
    assert card_names(page, "todo") == ["Ops task"]
    # The board's own writes go to this board.
    page.get_by_role("form", name="New task").get_by_label("Name").fill("Added on ops")
    page.get_by_role("button", name="Add task").click()
    expect(column(page, "todo").locator(".card-title")).to_have_text(["Ops task", "Added on ops"])
    assert Task.objects.get(name="Added on ops").board == ops


def test_a_page_ignores_live_events_of_other_boards(make_page, member, ops, redis_connection):
    page = make_page(member)
    page.goto(f"/?board={ops.pk}")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    fetched = []
    page.on("request", lambda request: "/board/columns" in request.url and fetched.append(1))
    task_create(name="On main")  # alice may read Main: its event reaches her stream
    page.wait_for_timeout(500)  # longer than the page's coalescing window
    task_create(name="On ops", board=ops)
    expect(column(page, "todo").locator(".card-title")).to_have_text(["On ops"])
    assert len(fetched) == 1


def test_a_board_nobody_lets_you_read_is_a_not_found_page(make_page, member, watch):
    watch.allow_console_error("status of 404")  # Chromium logs the page's own 404
    secret = Board.objects.create(name="Secret", visibility=Visibility.PRIVATE)
    page = make_page(member)
    response = page.goto(f"/?board={secret.pk}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Board not found")).to_be_visible()
    expect(page.get_by_text("Secret")).to_have_count(0)


def test_assign_someone_in_the_dialog_and_their_chip_appears(make_page, member, dave):
    task = task_create(name="Deploy")
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Deploy", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("checkbox", name="Dave Jones").check()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    chip = card(page, "Deploy").get_by_role("img", name="Assigned to Dave Jones")
    expect(chip).to_have_text("DJ")
    expect(chip).to_have_attribute("title", "Dave Jones")
    assert [user.username for user in task.assignees.all()] == ["dave"]
    # Opened again, the dialog shows who is assigned; unticking removes them.
    page.get_by_role("button", name="Deploy", exact=True).click()
    expect(dialog.get_by_role("checkbox", name="Dave Jones")).to_be_checked()
    dialog.get_by_role("checkbox", name="Dave Jones").uncheck()
    dialog.get_by_role("button", name="Save").click()
    expect(card(page, "Deploy").locator(".avatar")).to_have_count(0)
    assert not task.assignees.exists()


def test_assign_people_when_adding_a_task(make_page, member, dave):
    page = make_page(member)
    page.goto("/")
    form = page.get_by_role("form", name="New task")
    form.get_by_label("Name").fill("Pair on it")
    form.locator("#add-assignees summary").click()
    form.get_by_role("checkbox", name="Alice Smith").check()
    form.get_by_role("checkbox", name="Dave Jones").check()
    expect(form.locator("[data-picker-summary]")).to_have_text("Alice Smith, Dave Jones")
    form.get_by_role("button", name="Add task").click()
    expect(card(page, "Pair on it").locator(".avatar")).to_have_text(["AS", "DJ"])
    assert sorted(Task.objects.get().assignees.values_list("username", flat=True)) == [
        "alice",
        "dave",
    ]


def test_filter_assigned_to_me_and_by_assignee(make_page, member, dave):
    task_create(name="Mine", assignees=["alice"])
    task_create(name="Dave's", assignees=["dave"])
    task_create(name="Nobody's")
    page = make_page(member)
    page.goto("/")
    toggle = page.get_by_role("button", name="Assigned to me")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#board-columns .card-title")).to_have_text(["Mine"])
    assert "assignee=me" in page.url
    page.reload()  # the address keeps the filter
    expect(page.locator("#board-columns .card-title")).to_have_text(["Mine"])
    page.get_by_label("Assignee", exact=True).select_option(label="Dave Jones (dave)")
    expect(page.locator("#board-columns .card-title")).to_have_text(["Dave's"])
    expect(page.get_by_role("button", name="Assigned to me")).to_have_attribute(
        "aria-pressed", "false"
    )
    page.get_by_label("Assignee", exact=True).select_option(label="Nobody (unassigned)")
    expect(page.locator("#board-columns .card-title")).to_have_text(["Nobody's"])
    page.get_by_label("Assignee", exact=True).select_option(label="Everyone")
    expect(page.locator("#board-columns .card-title")).to_have_count(3)


def test_the_bell_is_per_person(make_page, member, dave, redis_connection):
    task = task_create(name="Deploy", status="in_progress")  # unassigned: both editors get it
    alice_page = make_page(member)
    dave_page = make_page(dave)  # a second browser context: dave's own session
    for page in (alice_page, dave_page):
        page.goto("/")
        expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    notification = notification_create(task=task, message="Deploy needs attention")
    for page in (alice_page, dave_page):
        expect(page.locator("#unread-count")).to_have_text("1")
    alice_page.get_by_role("button", name="Notifications").click()
    alice_page.get_by_role("button", name="Mark read: Deploy needs attention").click()
    expect(alice_page.locator("#unread-count")).to_be_hidden()
    dave_page.reload()
    expect(dave_page.locator("#unread-count")).to_have_text("1")
    dave_page.get_by_role("button", name="Notifications").click()
    expect(dave_page.locator("#notifications-list li[data-unread]")).to_have_count(1)
    entries = dict(
        InboxEntry.objects.filter(notification=notification).values_list(
            "user__username", "read_at"
        )
    )
    assert entries["alice"] is not None and entries["dave"] is None
    # Dave's "Mark all read" marks only his.
    other = notification_create(task=task, message="Still running")
    expect(alice_page.locator("#unread-count")).to_have_text("1")
    dave_page.get_by_role("button", name="Mark all read").click()
    expect(dave_page.locator("#unread-count")).to_be_hidden()
    assert InboxEntry.objects.get(notification=other, user=member).read_at is None


def test_the_inbox_pages_filters_and_marks_read(make_page, member, screenshots):
    for number in range(30):
        notification_create(task=task_create(name=f"Task {number:02}"), message=f"Note {number:02}")
    page = make_page(member, viewport=DESKTOP)
    page.goto("/")
    page.get_by_role("button", name="Notifications").click()
    page.get_by_role("link", name="See all notifications").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.locator("#inbox-list li")).to_have_count(25)
    expect(page.locator("html")).to_have_class(re.compile("js-ready"))
    page.screenshot(path=screenshots / "inbox.png")
    page.get_by_role("link", name="Older →").click()
    expect(page.locator("#inbox-list li")).to_have_count(5)
    page.get_by_role("button", name="Mark read: Note 00").click()
    expect(
        page.locator(
            "#notification-"
            + str(InboxEntry.objects.get(notification__message="Note 00").notification_id)
        )
    ).not_to_have_attribute("data-unread", "")
    page.goto("/inbox")
    page.get_by_label("Unread only").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#inbox-summary")).to_contain_text("of 29 notifications")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#inbox-summary")).to_contain_text("No notifications match these filters.")
    assert not member.inbox_entries.filter(read_at__isnull=True).exists()


def test_a_viewer_reads_the_board_and_is_told_why_it_is_read_only(make_page):
    viewer = person("vera", default_board(), Role.VIEWER)
    task_create(name="Deploy")
    page = make_page(viewer)
    page.goto("/")
    expect(page.get_by_text("You are a viewer of this board")).to_be_visible()
    expect(page.get_by_role("button", name="Add task")).to_have_count(0)
    expect(page.get_by_role("button", name="Move Deploy to In Progress")).to_have_count(0)
    page.get_by_role("button", name="Deploy", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Name")).to_have_attribute("readonly", "")
    expect(
        dialog.get_by_text("Only editors and owners of this board may edit its tasks.")
    ).to_be_visible()


def test_the_settings_page_of_an_owner(make_page, member, dave, live_url, bots_api, screenshots):
    Membership.objects.filter(user=member).update(role=Role.OWNER)
    page = make_page(member, viewport=DESKTOP)
    page.goto("/")
    page.get_by_role("link", name="Settings and members").click()
    expect(page.get_by_role("heading", name="Main · settings")).to_be_visible()
    expect(page.locator("#members-list li")).to_have_count(2)
    expect(page.locator("#bots-empty")).not_to_have_text("Loading bots…")  # the page's script ran
    page.screenshot(path=screenshots / "settings.png", full_page=True)
    if not endpoint_exists(live_url, f"/boards/{default_board().pk}/members/"):
        pytest.skip("the members API (helper boards-api) is not on this branch yet")
    page.get_by_label("Role of Dave Jones").select_option("viewer")
    expect(page.get_by_role("status").filter(has_text="dave is now viewer")).to_have_count(1)
    assert Membership.objects.get(user=dave).role == Role.VIEWER


def test_other_members_see_the_settings_read_only(make_page, member):
    page = make_page(member)
    page.goto(f"/board/{default_board().pk}/settings")
    expect(
        page.get_by_text("Only its owners may change its settings, members and bots")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.get_by_role("button", name="Add member")).to_have_count(0)


def test_new_board_from_the_switcher(make_page, member, live_url):
    if not endpoint_exists(live_url, "/boards/"):
        pytest.skip("POST /boards/ (helper boards-api) is not on this branch yet")
    page = make_page(member)
    page.goto("/")
    page.locator("#board-switcher summary").click()
    page.get_by_role("button", name="New board").click()
    dialog = page.get_by_role("dialog", name="New board")
    dialog.get_by_label("Name").fill("Marketing")
    dialog.get_by_role("button", name="Create board").click()
    expect(page.get_by_role("heading", name="Marketing")).to_be_visible()
    board = Board.objects.get(name="Marketing")
    assert page.url.endswith(f"/?board={board.pk}")
    assert board.visibility == Visibility.PRIVATE
    assert Membership.objects.get(board=board, user=member).role == Role.OWNER


def test_board_layout_with_people_at_desktop_size(make_page, member, dave, screenshots):
    for number in range(6):
        task_create(name=f"Task {number}", assignees=["alice", "dave"][: number % 3])
    page = make_page(member, viewport=DESKTOP)
    page.goto("/")
    expect(card(page, "Task 1").locator(".avatar")).to_have_count(1)
    page.screenshot(path=screenshots / "board-people.png")
    page.get_by_role("button", name="Task 2", exact=True).click()
    page.screenshot(path=screenshots / "board-dialog.png")


def test_an_owner_renames_the_board_and_manages_its_members(
    make_page, member, dave, watch, bots_api
):
    watch.allow_console_error("status of 400")  # the refused demotion of the last owner
    Membership.objects.filter(user=member).update(role=Role.OWNER)
    person("erin", first_name="Erin")
    page = make_page(member)
    page.goto(f"/board/{default_board().pk}/settings")
    board_form = page.locator("#board-form")
    board_form.get_by_label("Name").fill("Main board")
    board_form.get_by_role("button", name="Save").click()
    expect(page.locator("#settings-board-name")).to_have_text("Main board")
    expect(page.locator("#current-board-name")).to_have_text("Main board")
    assert Board.objects.get(pk=default_board().pk).name == "Main board"

    add = page.get_by_role("form", name="Add a member")
    add.get_by_label("Username").fill("erin")
    add.get_by_label("Role").select_option("viewer")
    add.get_by_role("button", name="Add member").click()
    expect(page.locator("#member-erin")).to_contain_text("Erin")
    assert Membership.objects.get(user__username="erin").role == Role.VIEWER

    add.get_by_label("Username").fill("nobody-here")
    add.get_by_role("button", name="Add member").click()
    expect(add.locator("[data-error-for]:not([hidden])").first).to_be_visible()

    page.get_by_role("button", name="Remove Dave Jones from the board").click()
    expect(page.locator("#member-dave")).to_have_count(0)
    assert not Membership.objects.filter(user=dave).exists()

    # The last owner cannot step down: the select goes back and the reason shows.
    page.get_by_label("Role of Alice Smith").select_option("editor")
    expect(page.locator("#toast")).to_be_visible()
    expect(page.get_by_label("Role of Alice Smith")).to_have_value("owner")
    assert Membership.objects.get(user=member).role == Role.OWNER


def test_an_owner_creates_a_bot_sees_its_token_once_and_revokes_it(
    make_page, member, live_url, bots_api
):
    if not bots_api:
        pytest.skip("the bots API (helper tokens) is not on this branch yet")
    Membership.objects.filter(user=member).update(role=Role.OWNER)
    page = make_page(member)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page.goto(f"/board/{default_board().pk}/settings")
    expect(page.locator("#bots-empty")).to_have_text("No bots yet.")
    bot_form = page.get_by_role("form", name="Create a bot")
    bot_form.get_by_label("Name").fill("deploy-bot")
    bot_form.get_by_label("Expires").select_option("30")
    bot_form.get_by_role("button", name="Create bot").click()
    token_box = page.locator("#bot-token")
    expect(token_box).to_contain_text("Token of deploy-bot: copy it now")
    token = page.get_by_label("Bot token").input_value()
    assert len(token) > 20
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#toast")).to_have_text("Token copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == token
    expect(page.locator("#bots-list li")).to_have_count(1)
    expect(page.locator("#member-deploy-bot")).to_contain_text("Bot")
    page.reload()  # shown once: never again
    expect(page.locator("#bot-token")).to_be_hidden()
    assert token not in page.content()
    revoke = page.get_by_role("button", name="Revoke deploy-bot")
    revoke.click()
    revoke.click()  # the second click confirms
    expect(page.locator("#bots-list li")).to_have_count(0)
    expect(page.locator("#member-deploy-bot")).to_have_count(0)


def test_a_notification_of_another_board_opens_its_task_there(make_page, member, ops):
    task = task_create(name="Ops task", board=ops)
    notification_create(task=task, message="Ops task needs attention")
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Notifications").click()
    item = page.locator("#notifications-list li").filter(has_text="Ops task needs attention")
    expect(item).to_contain_text("Ops")
    item.get_by_role("link", name="Open task").click()
    expect(page.get_by_role("heading", name="Ops")).to_be_visible()
    expect(page.get_by_role("dialog").get_by_label("Name")).to_have_value("Ops task")


def test_a_role_taken_away_takes_the_write_controls_with_it(make_page, member, redis_connection):
    task_create(name="Deploy")
    page = make_page(member)
    page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    expect(page.locator('#board-columns[data-can-edit="true"]')).to_have_count(1)
    member_update(board=default_board(), username="alice", role=Role.VIEWER)
    expect(page.locator('#board-columns[data-can-edit="false"]')).to_have_count(1)
    expect(page.get_by_role("button", name="Move Deploy to In Progress")).to_have_count(0)
