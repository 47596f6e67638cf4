import pytest
from django.contrib.auth import get_user_model

from board.selectors import (
    DONE_COLUMN_LIMIT,
    OPEN_COLUMN_LIMIT,
    board_members,
    board_version,
    recent_notifications,
    tasks_for_board,
    unread_notifications,
    version_of,
)
from board.tests.board_factories import bulk_boards, bulk_tasks, member, tasks_over_boards
from boards.access import default_board
from boards.models import Role
from notifications.models import Notification
from notifications.services import (
    inbox_entry_mark_read,
    notification_create,
    notification_mark_read,
)
from tasks.models import TaskStatus
from tasks.services import task_create, task_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def main():
    return default_board()


def person(username: str, **fields):
    return get_user_model().objects.create_user(username, **fields)


def column(columns, status):
    return next(c for c in columns if c.status == status)


def names(board_column):
    return [task.name for task in board_column.tasks]


def columns_of(board, **options):
    return tasks_for_board(board_id=board.pk, **options).columns


def test_columns_hold_their_tasks_in_rank_order(make_task, main):
    make_task("Second", status=TaskStatus.IN_PROGRESS)
    make_task("Later")
    make_task("First", status=TaskStatus.IN_PROGRESS, position=0)
    columns = columns_of(main)
    assert [c.status for c in columns] == ["todo", "in_progress", "done"]
    assert names(column(columns, "todo")) == ["Later"]
    assert names(column(columns, "in_progress")) == ["First", "Second"]
    assert column(columns, "done").count == 0


def test_board_reads_in_one_query_with_1000_tasks(main, django_assert_num_queries):
    bulk_tasks(1000)
    with django_assert_num_queries(2):  # the cards with their counts, their assignees
        columns = columns_of(main)
    assert sum(c.count for c in columns) == 1000


def test_a_board_shows_only_its_own_tasks_in_two_queries_with_10000_tasks_over_20_boards(
    django_assert_num_queries,
):
    boards = bulk_boards(20)
    tasks_over_boards(10_000, boards)
    with django_assert_num_queries(2):  # the cards with their counts, their assignees
        columns = columns_of(boards[3])
    assert sum(c.count for c in columns) == 500
    shown = [task for c in columns for task in c.tasks]
    assert {task.board_id for task in shown} == {boards[3].pk}


def test_assignees_come_in_the_second_query_sorted_by_username(main, django_assert_num_queries):
    zoe, adam = person("zoe"), person("adam")
    member(zoe, main), member(adam, main)
    task_create(name="Deploy", assignees=["zoe", "adam"])
    bulk_tasks(300)
    with django_assert_num_queries(2):
        columns = columns_of(main)
        deploy = next(task for task in column(columns, "todo").tasks if task.name == "Deploy")
        assert [user.username for user in deploy.assignees.all()] == ["adam", "zoe"]


def test_the_assignee_filter_takes_a_username_me_or_none(main):
    alice, dave = person("alice"), person("dave")
    member(alice, main), member(dave, main)
    task_create(name="Alice's", assignees=["alice"])
    task_create(name="Both", assignees=["alice", "dave"])
    task_create(name="Nobody's")

    def todo(assignee, actor=None):
        return names(column(columns_of(main, assignee=assignee, actor=actor), "todo"))

    assert todo("dave") == ["Both"]
    assert todo("me", actor=alice) == ["Alice's", "Both"]
    assert todo("none") == ["Nobody's"]
    assert todo("nobody-by-that-name") == []


def test_done_shows_its_latest_cards_and_the_full_count(main):
    bulk_tasks(DONE_COLUMN_LIMIT + 5, statuses=("done",))
    done = column(columns_of(main), "done")
    assert done.count == DONE_COLUMN_LIMIT + 5
    assert done.hidden_count == 5
    assert names(done)[0] == "Task 5"
    assert names(done)[-1] == f"Task {DONE_COLUMN_LIMIT + 4}"


def test_show_all_lifts_the_done_limit(main):
    bulk_tasks(DONE_COLUMN_LIMIT + 5, statuses=("done",))
    done = column(columns_of(main, show_all=frozenset({"done"})), "done")
    assert len(done.tasks) == DONE_COLUMN_LIMIT + 5


def test_search_matches_name_or_description_and_counts_only_matches(make_task, main):
    make_task("Nightly backup")
    make_task("Deploy", description="after the BACKUP finished", status=TaskStatus.DONE)
    make_task("Unrelated")
    columns = columns_of(main, search="backup")
    assert names(column(columns, "todo")) == ["Nightly backup"]
    assert column(columns, "todo").count == 1
    assert names(column(columns, "done")) == ["Deploy"]


def test_version_stays_while_nothing_changes(make_task, main):
    make_task("Deploy")
    assert board_version(main.pk) == board_version(main.pk)


def test_version_changes_when_a_card_moves(make_task, main):
    task = make_task("Deploy")
    before, _ = board_version(main.pk)
    task_update(task=task, status=TaskStatus.IN_PROGRESS)
    assert board_version(main.pk)[0] != before


def test_version_of_a_board_stays_when_a_card_of_another_board_moves(main):
    other = bulk_boards(1)[0]
    task = task_create(name="Elsewhere", board=other)
    before, _ = board_version(main.pk)
    task_update(task=task, status=TaskStatus.IN_PROGRESS)
    assert board_version(main.pk)[0] == before


def test_version_of_a_board_the_viewer_may_not_read_is_none():
    private = bulk_boards(1)[0]
    assert board_version(private.pk) is None
    assert board_version(private.pk, person("outsider")) is None


def test_version_changes_and_counts_unread_when_a_notification_is_read(main):
    notification = notification_create(message="Hello")
    before, unread = board_version(main.pk)
    assert unread == 1
    notification_mark_read(notification=notification)
    after, unread = board_version(main.pk)
    assert (after != before, unread) == (True, 0)


def test_version_follows_each_persons_own_unread_count(main):
    alice, dave = person("alice"), person("dave")
    member(alice, main), member(dave, main)
    task = task_create(name="Deploy", assignees=["alice", "dave"])
    notification = notification_create(task=task, message="Deploy needs attention")
    alice_before, dave_before = board_version(main.pk, alice), board_version(main.pk, dave)
    inbox_entry_mark_read(entry=notification.inbox_entries.get(user=alice))
    assert board_version(main.pk, alice)[1] == 0 and board_version(main.pk, alice) != alice_before
    assert board_version(main.pk, dave) == dave_before


def test_unread_notifications_gives_the_count_and_the_newest_unread_id():
    first = notification_create(message="One")
    newest = notification_create(message="Two")
    notification_create(message="Read")
    notification_mark_read(notification=Notification.objects.get(message="Read"))
    assert unread_notifications() == (2, newest.pk)
    assert first.pk < newest.pk


def test_a_persons_unread_notifications_are_their_own_inbox(main):
    alice, dave = person("alice"), person("dave")
    member(alice, main), member(dave, main)
    task = task_create(name="Deploy", assignees=["alice"])
    mine = notification_create(task=task, message="For alice")
    shared = notification_create(message="Shared only")
    assert unread_notifications(alice) == (1, mine.pk)
    assert unread_notifications(dave) == (0, 0)
    assert unread_notifications() == (2, shared.pk)


def test_the_bell_lists_a_persons_notifications_with_their_own_read_state(main):
    alice, dave = person("alice"), person("dave")
    member(alice, main), member(dave, main)
    task = task_create(name="Deploy", assignees=["alice", "dave"])
    notification = notification_create(task=task, message="Deploy needs attention")
    inbox_entry_mark_read(entry=notification.inbox_entries.get(user=alice))
    assert [(item.notification.pk, item.is_read) for item in recent_notifications(alice)] == [
        (notification.pk, True)
    ]
    assert [item.is_read for item in recent_notifications(dave)] == [False]
    assert notification_mark_read(notification=notification)  # the shared flag is another one
    assert [item.is_read for item in recent_notifications(dave)] == [False]


def test_the_board_page_and_the_polling_endpoint_agree_on_the_version(make_task, main):
    make_task("Deploy", status=TaskStatus.IN_PROGRESS)
    notification_create(message="Hello")
    version, _ = board_version(main.pk)
    summary = tasks_for_board(board_id=main.pk).tasks_summary
    assert version_of(summary, unread_notifications()) == version


def test_members_are_the_active_ones_by_username_in_one_query(main, django_assert_num_queries):
    member(person("zed", first_name="Zed"), main, Role.OWNER)
    member(person("bob", first_name="Ann", last_name="Bell"), main, Role.VIEWER)
    member(person("cat"), main, Role.EDITOR)
    member(person("gone", is_active=False), main, Role.EDITOR)
    with django_assert_num_queries(1):
        members = board_members(main)
        assert [m.user.username for m in members] == ["bob", "cat", "zed"]


def test_a_card_kept_past_an_open_columns_cap_is_shown_after_the_usual_cards(
    main,
    django_assert_num_queries,
):
    tasks = bulk_tasks(OPEN_COLUMN_LIMIT + 5, statuses=("in_progress",))
    with django_assert_num_queries(2):
        columns = columns_of(main, keep=tasks[-1].pk)
    in_progress = column(columns, "in_progress")
    assert len(in_progress.tasks) == OPEN_COLUMN_LIMIT + 1
    assert names(in_progress)[-2:] == [
        f"Task {OPEN_COLUMN_LIMIT - 1}",
        f"Task {OPEN_COLUMN_LIMIT + 4}",
    ]
    assert (in_progress.count, in_progress.hidden_count) == (OPEN_COLUMN_LIMIT + 5, 4)


def test_a_card_kept_among_dones_earlier_cards_is_shown_first(main):
    tasks = bulk_tasks(DONE_COLUMN_LIMIT + 5, statuses=("done",))
    done = column(columns_of(main, keep=tasks[0].pk), "done")
    assert names(done)[:2] == ["Task 0", "Task 5"]
    assert len(done.tasks) == DONE_COLUMN_LIMIT + 1


def test_keeping_a_card_leaves_the_other_columns_at_their_caps(main):
    tasks = bulk_tasks(2 * (OPEN_COLUMN_LIMIT + 2), statuses=("todo", "in_progress"))
    columns = columns_of(main, keep=tasks[-1].pk)
    assert len(column(columns, "todo").tasks) == OPEN_COLUMN_LIMIT
    assert len(column(columns, "in_progress").tasks) == OPEN_COLUMN_LIMIT + 1
