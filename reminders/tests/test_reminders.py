"""The reminder sweep (reminders.sweep) on a controlled clock, and its exactly-once guarantee."""

import signal
import time
import uuid
from datetime import UTC, datetime, timedelta

import django_rq
import pytest
from django.conf import settings as django_settings
from django.db import connection
from rq import SimpleWorker
from rq.cron import CronScheduler

from notifications.models import Notification, NotificationType
from reminders import jobs
from reminders.models import LastPass
from reminders.sweep import (
    due_tasks,
    last_pass,
    scheduled_tasks,
    seconds_until_next_reminder,
    send_due_reminders,
)
from reminders.tests.reminder_factories import make_due_tasks
from reminders.tests.reminder_processes import Process, django_env
from tasks.models import MIN_INTERVAL_MINUTES, Task, TaskStatus
from tasks.services import task_create, task_update

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


def in_progress(name: str = "Deploy", interval: float = 10, now: datetime = T0) -> Task:
    return task_create(name=name, status=TaskStatus.IN_PROGRESS, interval_minutes=interval, now=now)


def reminders_per_task() -> dict[int, int]:
    counts: dict[int, int] = {}
    for task_id in Notification.objects.filter(
        notification_type=NotificationType.REMINDER
    ).values_list("task_id", flat=True):
        counts[task_id] = counts.get(task_id, 0) + 1
    return counts


# --- Semantics on a controlled clock -------------------------------------------------------------


@pytest.mark.django_db
def test_task_not_yet_due_gets_no_reminder():
    in_progress(interval=10)
    assert send_due_reminders(now=T0 + minutes(9.99)) == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_due_task_gets_one_reminder_with_the_original_message():
    task = in_progress(name="Nightly backup", interval=10)
    assert send_due_reminders(now=T0 + minutes(10)) == 1
    reminder = Notification.objects.get()
    assert reminder.notification_type == NotificationType.REMINDER
    assert reminder.message == (
        f"Task 'Nightly backup' (ID: {task.pk}) is still in progress and needs attention!"
    )
    assert (reminder.task_id, reminder.task_name) == (task.pk, "Nightly backup")
    assert reminder.created_at == T0 + minutes(10)


@pytest.mark.django_db
def test_reminder_pings_the_task_and_schedules_the_next_one():
    task = in_progress(interval=10)
    send_due_reminders(now=T0 + minutes(10))
    task.refresh_from_db()
    assert task.last_ping == T0 + minutes(10)
    assert task.next_reminder_at == T0 + minutes(20)


@pytest.mark.django_db
def test_tasks_firing_together_are_each_rescheduled_by_their_own_interval():
    tasks = [in_progress(interval=10), in_progress(interval=0.5), in_progress(interval=10)]
    send_due_reminders(now=T0 + minutes(10))
    for task in tasks:
        task.refresh_from_db()
    assert [task.next_reminder_at for task in tasks] == [
        T0 + minutes(20),
        T0 + minutes(10.5),
        T0 + minutes(20),
    ]


@pytest.mark.django_db
def test_catch_up_after_downtime_is_one_reminder_then_the_schedule_restarts_from_now():
    task = in_progress(interval=10)
    back_up = T0 + minutes(95)  # nine intervals missed
    assert send_due_reminders(now=back_up) == 1
    assert send_due_reminders(now=back_up) == 0
    task.refresh_from_db()
    assert task.next_reminder_at == back_up + minutes(10)


@pytest.mark.django_db
def test_leaving_in_progress_cancels_the_reminder():
    task = in_progress(interval=10)
    task_update(task=task, status=TaskStatus.DONE, now=T0 + minutes(5))
    assert send_due_reminders(now=T0 + minutes(60)) == 0
    assert not Notification.objects.filter(notification_type=NotificationType.REMINDER).exists()


@pytest.mark.django_db
def test_editing_the_interval_reschedules_the_reminder():
    task = in_progress(interval=60)
    task_update(task=task, interval_minutes=5, now=T0 + minutes(1))
    assert send_due_reminders(now=T0 + minutes(4)) == 0
    assert send_due_reminders(now=T0 + minutes(5)) == 1


@pytest.mark.django_db
def test_reminders_keep_their_cadence_over_several_intervals():
    in_progress(interval=10)
    fired_at = [
        T0 + minutes(minute)
        for minute in range(0, 46)
        if send_due_reminders(now=T0 + minutes(minute))
    ]
    assert fired_at == [T0 + minutes(10), T0 + minutes(20), T0 + minutes(30), T0 + minutes(40)]


@pytest.mark.django_db
def test_a_task_at_the_floor_is_rescheduled_strictly_after_the_pass_and_not_reclaimed_by_it():
    task = in_progress(interval=MIN_INTERVAL_MINUTES)
    due_at = task.next_reminder_at
    assert send_due_reminders(now=due_at, batch_size=1) == 1  # one batch per task: no second look
    task.refresh_from_db()
    assert task.next_reminder_at == due_at + timedelta(seconds=1)
    assert send_due_reminders(now=due_at) == 0


@pytest.mark.django_db
def test_a_live_pass_stamps_and_reschedules_from_the_batch_clock():
    make_due_tasks(3, due_at=datetime.now(UTC) - minutes(1), interval=1)
    before = datetime.now(UTC)
    assert send_due_reminders(batch_size=2) == 3
    assert all(sent >= before for sent in Notification.objects.values_list("created_at", flat=True))
    for task in Task.objects.all():
        assert task.next_reminder_at == task.last_ping + minutes(1)
        assert task.last_ping >= before


@pytest.mark.django_db
def test_a_pass_sends_every_due_reminder_across_batches():
    task_ids = make_due_tasks(25, due_at=T0)
    assert send_due_reminders(now=T0, batch_size=10) == 25
    assert reminders_per_task() == dict.fromkeys(task_ids, 1)


@pytest.mark.django_db
def test_a_stop_request_finishes_the_batch_in_hand_and_leaves_the_rest_due():
    make_due_tasks(5, due_at=T0)
    assert send_due_reminders(now=T0, batch_size=2, should_stop=lambda: True) == 2
    assert due_tasks(T0).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("due_count", [1, 60])
def test_a_batch_costs_the_same_queries_whatever_the_count(due_count, django_assert_num_queries):
    make_due_tasks(due_count, due_at=T0)
    # exists, then one batch: savepoint, claim, insert reminders, the recipients (assignees, then
    # the owners and editors of boards of unassigned tasks), the boards' webhooks (the outbox's
    # notification.created; none here), the boards that escalate
    # (reminders.escalation), reschedule, release; then the record of the pass; the due-date
    # reminders' two reads (reminders.due: overdue tasks, boards with a "due soon" setting) come
    # before that record. (No one to deliver to here: no inbox insert; see test_reminder_recipients.)
    with django_assert_num_queries(13):
        assert send_due_reminders(now=T0, batch_size=100) == due_count


@pytest.mark.django_db
def test_an_idle_pass_is_four_queries(django_assert_num_queries):
    make_due_tasks(3, due_at=T0 + minutes(1))
    # exists, the due-date reminders' two reads (reminders.due), then the record of the pass.
    with django_assert_num_queries(4):
        assert send_due_reminders(now=T0) == 0


def query_plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return str(cursor.fetchall())
        # A near-empty table is cheaper to scan; forbid that to see whether the index serves it.
        # With no statistics every partial index the query implies looks alike (the card order's
        # too, now that both exclude archived tasks); ANALYZE tells the planner which is smaller.
        cursor.execute("ANALYZE tasks_task")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return str(cursor.fetchall())


def exists_sql(tasks) -> tuple[str, tuple]:
    """The statement QuerySet.exists() sends (any_due)."""
    return tasks.query.exists().get_compiler("default").as_sql()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(
            lambda: (
                due_tasks(T0).only("id", "name", "interval_minutes")[:100].query.sql_with_params()
            ),
            id="claim",
        ),
        pytest.param(lambda: exists_sql(due_tasks(T0)), id="any-due"),
        pytest.param(
            lambda: scheduled_tasks().values_list("next_reminder_at")[:1].query.sql_with_params(),
            id="next-due",
        ),
    ],
)
def test_the_sweep_queries_read_the_partial_index_unaided(statement):
    # No ANALYZE statistics and no INDEXED BY: SQLite's planner picks the index by itself.
    make_due_tasks(3, due_at=T0)
    task_create(name="Todo", now=T0)
    assert "task_due_reminder_idx" in query_plan(*statement())


# --- The loop's step functions and the record for /healthz --------------------------------------


@pytest.mark.django_db
def test_seconds_until_next_reminder_counts_down_to_the_earliest_due_task():
    in_progress(interval=10)
    in_progress(interval=3)
    assert seconds_until_next_reminder(max_seconds=300, now=T0 + minutes(1)) == 120


@pytest.mark.django_db
def test_seconds_until_next_reminder_is_capped_and_never_negative():
    assert seconds_until_next_reminder(max_seconds=30, now=T0) == 30  # nothing scheduled
    in_progress(interval=10)
    assert seconds_until_next_reminder(max_seconds=30, now=T0) == 30
    assert seconds_until_next_reminder(max_seconds=30, now=T0 + minutes(11)) == 0


@pytest.mark.django_db
def test_healthz_shows_the_last_pass(client):
    make_due_tasks(2, due_at=T0)
    send_due_reminders(now=T0)
    reminders = client.get("/healthz").json()["reminders"]
    assert reminders["last_pass_at"] == T0.isoformat()
    assert reminders["sent"] == 2


@pytest.mark.django_db
def test_each_pass_overwrites_the_one_record():
    send_due_reminders(now=T0)
    make_due_tasks(1, due_at=T0 + minutes(1))
    send_due_reminders(now=T0 + minutes(1))
    assert LastPass.objects.count() == 1
    assert last_pass()["last_pass_at"] == (T0 + minutes(1)).isoformat()
    assert last_pass()["sent"] == 1


@pytest.mark.django_db
def test_the_last_pass_needs_no_redis(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    send_due_reminders(now=T0)
    assert last_pass()["last_pass_at"] == T0.isoformat()


@pytest.mark.django_db
def test_no_pass_yet_reads_as_none():
    assert last_pass() == {"last_pass_at": None}


# --- The RQ job ---------------------------------------------------------------------------------


@pytest.fixture
def reminders_queue(settings, redis_connection):
    """A queue of this test's own on the real Redis, deleted afterwards."""
    name = f"test-reminders-{uuid.uuid4().hex}"
    settings.RQ_QUEUES = {**settings.RQ_QUEUES, name: {"URL": settings.REDIS_URL}}
    settings.REMINDERS_QUEUE = name
    queue = django_rq.get_queue(name)
    yield queue
    queue.delete(delete_jobs=True)


@pytest.mark.django_db
def test_rq_job_sends_due_reminders_through_a_real_worker(reminders_queue):
    task_ids = make_due_tasks(3, due_at=T0)
    job = reminders_queue.enqueue(jobs.send_due_reminders)
    SimpleWorker([reminders_queue], connection=reminders_queue.connection).work(burst=True)
    job.refresh()
    assert job.is_finished, job.latest_result()
    assert job.return_value() == 3
    assert reminders_per_task() == dict.fromkeys(task_ids, 1)


@pytest.mark.django_db
def test_cron_config_schedules_the_job_every_few_seconds_on_the_reminders_queue(reminders_queue):
    scheduler = CronScheduler(connection=reminders_queue.connection)
    scheduler.load_config_from_file("reminders.cron")
    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    cron_job = jobs["reminders.jobs.send_due_reminders"]
    assert cron_job.queue_name == reminders_queue.name
    assert cron_job.interval == django_settings.REMINDERS_CRON_SECONDS <= 10


def test_cron_config_schedules_the_delivery_job_on_the_delivery_queue(reminders_queue):
    scheduler = CronScheduler(connection=reminders_queue.connection)
    scheduler.load_config_from_file("reminders.cron")
    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    delivery_job = jobs["reminders.jobs.send_due_deliveries"]
    assert delivery_job.queue_name == django_settings.DELIVERY_QUEUE
    assert delivery_job.interval == django_settings.REMINDERS_CRON_SECONDS


# --- Several sweepers as real processes ---------------------------------------------------------

SWEEPER = """
import sys, django
django.setup()
from reminders.sweep import send_due_reminders
print("ready", flush=True)
sys.stdin.readline()
print("sent", send_due_reminders(batch_size=50), flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeper_processes_write_exactly_one_reminder_per_due_task():
    # PostgreSQL claims with SKIP LOCKED; SQLite serialises the IMMEDIATE transactions. Both must hold.
    task_ids = make_due_tasks(2000, due_at=datetime.now(UTC) - minutes(1))
    sweepers = [Process(["-c", SWEEPER], django_env()) for _ in range(4)]
    try:
        for sweeper in sweepers:
            sweeper.wait_for("ready")
        for sweeper in sweepers:
            sweeper.send("go\n")
        for sweeper in sweepers:
            assert sweeper.finish() == 0, sweeper.output()
    finally:
        for sweeper in sweepers:
            sweeper.kill()
    sent = [int(sweeper.wait_for("sent").split()[-1]) for sweeper in sweepers]
    assert sum(sent) == 2000
    assert reminders_per_task() == dict.fromkeys(task_ids, 1)
    assert "database is locked" not in "".join(sweeper.output() for sweeper in sweepers)


# Pauses inside the second batch's transaction, after its reminder rows are written, until killed.
STALLING_SWEEPER = """
import time, django
django.setup()
from reminders import sweep
write_reminders = sweep.notifications_create_reminders
batches = 0
def write_then_stall(**arguments):
    global batches
    created = write_reminders(**arguments)
    batches += 1
    if batches == 2:
        print("second batch written, not committed", flush=True)
        time.sleep(600)
    return created
sweep.notifications_create_reminders = write_then_stall
sweep.send_due_reminders(batch_size=10)
"""


@pytest.mark.django_db(transaction=True)
def test_a_sweeper_killed_mid_batch_loses_nothing_and_doubles_nothing():
    due_at = datetime.now(UTC) - minutes(1)
    task_ids = make_due_tasks(25, due_at=due_at)
    sweeper = Process(["-c", STALLING_SWEEPER], django_env())
    try:
        sweeper.wait_for("second batch written, not committed")
        sweeper.popen.send_signal(signal.SIGKILL)
        sweeper.popen.wait()
    finally:
        sweeper.kill()
    assert len(reminders_per_task()) == 10  # the first batch committed, the second did not
    # The dead session's locks go when the server notices; until then its rows are skipped, not lost.
    for _ in range(200):
        send_due_reminders()
        if not due_tasks(due_at).exists():
            break
        time.sleep(0.05)
    assert reminders_per_task() == dict.fromkeys(task_ids, 1)
