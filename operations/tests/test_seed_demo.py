"""manage.py seed_demo: realistic demo data that obeys every rule the services keep."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from boards.models import Board, Membership, Role, Visibility
from notifications.models import InboxEntry, Notification, NotificationType
from notifications.services import completion_message, recipients_by_task
from tasks.models import Task, TaskChange, TaskChangeKind, TaskStatus

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_adds_the_requested_number_of_tasks_in_every_column():
    assert "Added 300 demo tasks" in seed("--tasks", "300", "--seed", "1")
    assert Task.objects.count() == 300
    assert set(Task.objects.values_list("status", flat=True)) == set(TaskStatus.values)


def test_in_progress_tasks_have_their_reminder_scheduled_from_the_last_ping():
    seed("--tasks", "200", "--seed", "2")
    in_progress = Task.objects.filter(status=TaskStatus.IN_PROGRESS)
    assert in_progress.exists()
    for task in in_progress:
        assert task.next_reminder_at == task.last_ping + task.interval
    assert not Task.objects.exclude(status=TaskStatus.IN_PROGRESS).filter(
        next_reminder_at__isnull=False
    )


def test_every_done_task_has_one_completion_notification():
    seed("--tasks", "200", "--seed", "3")
    for task in Task.objects.filter(status=TaskStatus.DONE):
        (notification,) = task.notifications.filter(notification_type=NotificationType.COMPLETION)
        assert notification.message == completion_message(task.name)


def test_demo_cards_go_after_existing_cards_in_creation_order(make_task):
    existing = make_task("Already here")
    seed("--tasks", "100", "--seed", "4")
    for board in Board.objects.all():
        todo = list(
            Task.objects.filter(board=board, status=TaskStatus.TODO)
            .order_by("rank")
            .values_list("pk", flat=True)
        )
        assert todo == sorted(todo)
    main_todo = Task.objects.filter(board=existing.board, status=TaskStatus.TODO).order_by("rank")
    assert main_todo.first() == existing


def test_tasks_are_spread_over_main_and_two_more_boards_one_private():
    seed("--tasks", "200", "--seed", "7")
    boards = {board.name: board for board in Board.objects.all()}
    assert set(boards) == {"Main", "Platform", "Security"}
    assert boards["Main"].is_default
    assert boards["Main"].visibility == boards["Platform"].visibility == Visibility.PUBLIC
    assert boards["Security"].visibility == Visibility.PRIVATE
    for board in boards.values():
        assert board.tasks.exists()


def test_demo_people_are_members_with_roles_and_cannot_log_in():
    seed("--tasks", "10", "--seed", "8")
    people = get_user_model().objects.order_by("username")
    assert [user.username for user in people] == ["ada", "alan", "grace", "margaret"]
    assert not any(user.has_usable_password() for user in people)
    roles = {(m.board.name, m.user.username): m.role for m in Membership.objects.select_related()}
    assert roles[("Main", "ada")] == Role.OWNER
    assert roles[("Main", "margaret")] == Role.VIEWER
    assert roles[("Security", "margaret")] == Role.OWNER
    for board in Board.objects.all():  # every board keeps an owner
        assert board.memberships.filter(role=Role.OWNER).exists()


def test_with_a_password_the_demo_people_can_log_in():
    seed("--tasks", "0", "--password", "demo-password-1")
    for user in get_user_model().objects.all():
        assert user.check_password("demo-password-1")


def test_an_empty_password_is_refused():
    with pytest.raises(CommandError, match="must not be empty"):
        seed("--password", " ")


def test_seeding_again_adds_tasks_but_no_boards_people_or_memberships():
    seed("--tasks", "20", "--seed", "9")
    memberships = list(Membership.objects.values_list("board_id", "user_id", "role"))
    assert "and 0 demo people" in seed("--tasks", "20", "--seed", "9")
    assert Board.objects.count() == 3
    assert list(Membership.objects.values_list("board_id", "user_id", "role")) == memberships
    assert Task.objects.count() == 40


def test_an_existing_person_with_a_demo_name_is_left_as_is():
    get_user_model().objects.create_user("ada", password="her-own-password-1")
    seed("--tasks", "0", "--password", "demo-password-1")
    assert get_user_model().objects.get(username="ada").check_password("her-own-password-1")


def test_assignees_are_owners_or_editors_of_the_tasks_board():
    seed("--tasks", "200", "--seed", "10")
    assigned = Task.objects.filter(assignees__isnull=False).distinct()
    assert 0 < assigned.count() < 200
    for task in assigned.prefetch_related("assignees"):
        for person in task.assignees.all():
            role = Membership.objects.get(board=task.board_id, user=person).role
            assert role in (Role.OWNER, Role.EDITOR)


def test_every_notification_is_in_the_inbox_of_the_recipients_of_its_task():
    seed("--tasks", "200", "--seed", "11")
    notifications = list(Notification.objects.select_related("task"))
    recipients = recipients_by_task([n.task for n in notifications])
    assert notifications
    for notification in notifications:
        assert notification.board_id == notification.task.board_id
        inbox = set(notification.inbox_entries.values_list("user_id", flat=True))
        assert inbox == set(recipients[notification.task_id])
        assert inbox


def test_people_read_their_inbox_each_at_their_own_time():
    seed("--tasks", "300", "--seed", "12")
    entries = InboxEntry.objects.all()
    assert entries.filter(read_at__isnull=True).exists()
    assert entries.filter(read_at__isnull=False).exists()
    for entry in entries.filter(read_at__isnull=False).select_related("notification"):
        assert entry.read_at > entry.created_at == entry.notification.created_at


def test_every_task_has_its_created_row_of_history_by_the_system():
    seed("--tasks", "50", "--seed", "13")
    changes = TaskChange.objects.all()
    assert sorted(changes.values_list("task_id", flat=True)) == sorted(
        Task.objects.values_list("pk", flat=True)
    )
    assert set(changes.values_list("kind", "actor", "actor_name")) == {
        (TaskChangeKind.CREATED, None, "")
    }
    assert Task.objects.filter(created_by__isnull=False).count() == 0


def test_reminders_and_unread_notifications_are_part_of_the_demo():
    seed("--tasks", "300", "--seed", "5")
    types = set(Notification.objects.values_list("notification_type", flat=True))
    assert types == {NotificationType.REMINDER, NotificationType.COMPLETION}
    assert Notification.objects.filter(is_read=False).exists()
    assert Notification.objects.filter(is_read=True).exists()


def demo_rows() -> tuple[list, list]:
    tasks = list(
        Task.objects.order_by("id", "assignees__username").values_list(
            "board__name", "name", "status", "interval_minutes", "assignees__username"
        )
    )
    inbox = [
        (username, read_at is None)
        for username, read_at in InboxEntry.objects.order_by(
            "notification__task__id", "user__username"
        ).values_list("user__username", "read_at")
    ]
    return tasks, inbox


def test_the_same_seed_gives_the_same_boards_people_and_inboxes():
    seed("--tasks", "50", "--seed", "6")
    first = demo_rows()
    Notification.objects.all().delete()
    Task.objects.all().delete()
    seed("--tasks", "50", "--seed", "6")
    assert demo_rows() == first


def test_ten_thousand_tasks_are_written_in_bulk(django_assert_num_queries):
    # Never a query per task (that would be over 40,000 with history, notifications and inbox
    # entries). Setup: 18 (people; boards, made by boards.services, each asking first whether its
    # maker is a bot; memberships); 9 columns' last
    # ranks (and their locks on PostgreSQL); per batch of 1,000 tasks: inserts of tasks,
    # assignees, history, notifications, inbox entries, and recipients_by_task's 2 reads. SQLite
    # caps an insert at 999 values, so there the inserts come in many more pieces (more since a
    # task has the work breakdown's, the heartbeat and claim, the reminder pause's and the
    # archive's columns).
    expected = 106 if connection.vendor == "postgresql" else 567
    with django_assert_num_queries(expected):
        seed("--tasks", "10000", "--seed", "1", "--no-progress")
    assert Task.objects.count() == 10_000


def test_large_counts_show_a_progress_bar():
    err = StringIO()
    call_command("seed_demo", "--tasks", "2000", stdout=StringIO(), stderr=err)
    assert "2000/2000" in err.getvalue()


def test_a_negative_count_is_refused():
    with pytest.raises(CommandError, match="0 or more"):
        seed("--tasks", "-1")
