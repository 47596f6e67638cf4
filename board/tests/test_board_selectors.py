import pytest

from board.selectors import (
    DONE_COLUMN_LIMIT,
    OPEN_COLUMN_LIMIT,
    board_version,
    tasks_for_board,
    unread_notifications,
    version_of,
)
from board.tests.board_factories import bulk_tasks
from notifications.models import Notification
from notifications.services import notification_create, notification_mark_read
from tasks.models import TaskStatus
from tasks.services import task_update

pytestmark = pytest.mark.django_db


def column(columns, status):
    return next(c for c in columns if c.status == status)


def names(board_column):
    return [task.name for task in board_column.tasks]


def test_columns_hold_their_tasks_in_rank_order(make_task):
    make_task("Second", status=TaskStatus.IN_PROGRESS)
    make_task("Later")
    make_task("First", status=TaskStatus.IN_PROGRESS, position=0)
    columns = tasks_for_board().columns
    assert [c.status for c in columns] == ["todo", "in_progress", "done"]
    assert names(column(columns, "todo")) == ["Later"]
    assert names(column(columns, "in_progress")) == ["First", "Second"]
    assert column(columns, "done").count == 0


def test_board_reads_in_one_query_with_1000_tasks(django_assert_num_queries):
    bulk_tasks(1000)
    with django_assert_num_queries(1):
        columns = tasks_for_board().columns
    assert sum(c.count for c in columns) == 1000


def test_done_shows_its_latest_cards_and_the_full_count():
    bulk_tasks(DONE_COLUMN_LIMIT + 5, statuses=("done",))
    done = column(tasks_for_board().columns, "done")
    assert done.count == DONE_COLUMN_LIMIT + 5
    assert done.hidden_count == 5
    assert names(done)[0] == "Task 5"
    assert names(done)[-1] == f"Task {DONE_COLUMN_LIMIT + 4}"


def test_show_all_lifts_the_done_limit():
    bulk_tasks(DONE_COLUMN_LIMIT + 5, statuses=("done",))
    done = column(tasks_for_board(show_all=frozenset({"done"})).columns, "done")
    assert len(done.tasks) == DONE_COLUMN_LIMIT + 5


def test_search_matches_name_or_description_and_counts_only_matches(make_task):
    make_task("Nightly backup")
    make_task("Deploy", description="after the BACKUP finished", status=TaskStatus.DONE)
    make_task("Unrelated")
    columns = tasks_for_board(search="backup").columns
    assert names(column(columns, "todo")) == ["Nightly backup"]
    assert column(columns, "todo").count == 1
    assert names(column(columns, "done")) == ["Deploy"]


def test_version_stays_while_nothing_changes(make_task):
    make_task("Deploy")
    assert board_version() == board_version()


def test_version_changes_when_a_card_moves(make_task):
    task = make_task("Deploy")
    before, _ = board_version()
    task_update(task=task, status=TaskStatus.IN_PROGRESS)
    assert board_version()[0] != before


def test_version_changes_and_counts_unread_when_a_notification_is_read(make_task):
    notification = notification_create(message="Hello")
    before, unread = board_version()
    assert unread == 1
    notification_mark_read(notification=notification)
    after, unread = board_version()
    assert (after != before, unread) == (True, 0)


def test_unread_notifications_gives_the_count_and_the_newest_unread_id():
    first = notification_create(message="One")
    newest = notification_create(message="Two")
    notification_create(message="Read")
    notification_mark_read(notification=Notification.objects.get(message="Read"))
    assert unread_notifications() == (2, newest.pk)
    assert first.pk < newest.pk


def test_the_board_page_and_the_polling_endpoint_agree_on_the_version(make_task):
    make_task("Deploy", status=TaskStatus.IN_PROGRESS)
    notification_create(message="Hello")
    version, _ = board_version()
    assert version_of(tasks_for_board().tasks_summary, unread_notifications()) == version


def test_a_card_kept_past_an_open_columns_cap_is_shown_after_the_usual_cards(
    django_assert_num_queries,
):
    tasks = bulk_tasks(OPEN_COLUMN_LIMIT + 5, statuses=("in_progress",))
    with django_assert_num_queries(1):
        columns = tasks_for_board(keep=tasks[-1].pk).columns
    in_progress = column(columns, "in_progress")
    assert len(in_progress.tasks) == OPEN_COLUMN_LIMIT + 1
    assert names(in_progress)[-2:] == [
        f"Task {OPEN_COLUMN_LIMIT - 1}",
        f"Task {OPEN_COLUMN_LIMIT + 4}",
    ]
    assert (in_progress.count, in_progress.hidden_count) == (OPEN_COLUMN_LIMIT + 5, 4)


def test_a_card_kept_among_dones_earlier_cards_is_shown_first():
    tasks = bulk_tasks(DONE_COLUMN_LIMIT + 5, statuses=("done",))
    done = column(tasks_for_board(keep=tasks[0].pk).columns, "done")
    assert names(done)[:2] == ["Task 0", "Task 5"]
    assert len(done.tasks) == DONE_COLUMN_LIMIT + 1


def test_keeping_a_card_leaves_the_other_columns_at_their_caps():
    tasks = bulk_tasks(2 * (OPEN_COLUMN_LIMIT + 2), statuses=("todo", "in_progress"))
    columns = tasks_for_board(keep=tasks[-1].pk).columns
    assert len(column(columns, "todo").tasks) == OPEN_COLUMN_LIMIT
    assert len(column(columns, "in_progress").tasks) == OPEN_COLUMN_LIMIT + 1
