"""scripts/tracker, the command-line client, end to end against a real server."""

import json
import subprocess
import sys
import threading
import time

import pytest

from accounts.models import SERVICE_ACCOUNT_USERNAME
from tasks.models import Comment, PingKind, PingLog, Task, TaskStatus
from tracker.tests.servers import BASE_DIR, app_env, free_port, running_server

TOKEN = "tracker-client-token"
CLIENT = BASE_DIR / "scripts" / "tracker"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    env = app_env(API_AUTH_TOKEN=TOKEN, THROTTLE_WRITE_RATE="")
    log = tmp_path_factory.mktemp("tracker-client") / "gunicorn.log"
    with running_server(env, log, workers=1) as running:
        yield running.url


def tracker(url: str, *args: str, token: str = TOKEN, retries: int = 0, timeout: float = 60):
    env = {
        "PATH": "/usr/bin:/bin",
        "STATUS_TRACKER_URL": url,
        "STATUS_TRACKER_TOKEN": token,
        "STATUS_TRACKER_BACKOFF": "0.5",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, str(CLIENT), "--retries", str(retries), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def new_task(server: str, name: str = "Backup") -> int:
    done = tracker(server, "create", name)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_run_reports_success_with_the_output(server):
    task_id = new_task(server)
    done = tracker(server, "run", str(task_id), "--", sys.executable, "-c", "print('copied 42')")
    assert done.returncode == 0, done.stderr
    assert "copied 42" in done.stdout
    assert Task.objects.get(pk=task_id).status == TaskStatus.DONE
    log = PingLog.objects.get(task_id=task_id, kind=PingKind.SUCCESS)
    assert "copied 42" in log.body


def test_run_reports_failure_and_passes_the_exit_status_through(server):
    task_id = new_task(server)
    script = "import sys; print('disk full'); sys.exit(3)"
    done = tracker(server, "run", str(task_id), "--", sys.executable, "-c", script)
    assert done.returncode == 3
    task = Task.objects.get(pk=task_id)
    assert (task.status, task.failed, task.last_exit_status) == (TaskStatus.IN_PROGRESS, True, 3)
    assert "disk full" in PingLog.objects.get(task_id=task_id, kind=PingKind.FAIL).body


def test_run_keeps_the_commands_status_when_the_server_is_unreachable():
    done = tracker(f"http://127.0.0.1:{free_port()}", "run", "1", "--", "sh", "-c", "exit 4")
    assert done.returncode == 4
    assert "cannot reach" in done.stderr


def test_ping_start_and_done(server):
    task_id = new_task(server)
    assert tracker(server, "start", str(task_id)).returncode == 0
    assert Task.objects.get(pk=task_id).status == TaskStatus.IN_PROGRESS
    assert tracker(server, "ping", str(task_id)).returncode == 0
    assert tracker(server, "done", str(task_id)).returncode == 0
    assert Task.objects.get(pk=task_id).status == TaskStatus.DONE


def test_comment_posts_markdown_from_an_argument_or_stdin(server):
    task_id = new_task(server)
    done = tracker(server, "comment", str(task_id), "**Backup** took 3 min", "--author", "nightly")
    assert done.returncode == 0, done.stderr
    comment = Comment.objects.get(pk=int(done.stdout))
    assert (comment.task_id, comment.author, comment.text) == (
        task_id,
        "nightly",
        "**Backup** took 3 min",
    )
    assert "<strong>Backup</strong>" in comment.html
    piped = subprocess.run(  # noqa: S603
        [sys.executable, str(CLIENT), "comment", str(task_id), "-"],
        env={"PATH": "/usr/bin:/bin", "STATUS_TRACKER_URL": server, "STATUS_TRACKER_TOKEN": TOKEN},
        input="from stdin\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 0, piped.stderr
    assert Comment.objects.get(pk=int(piped.stdout)).text == "from stdin"


def test_a_bad_token_exits_3(server):
    done = tracker(server, "ping", "1", token="wrong")
    assert done.returncode == 3
    assert "token" in done.stderr


def test_an_unknown_task_exits_5(server):
    done = tracker(server, "ping", "999999")
    assert done.returncode == 5
    assert "not found" in done.stderr


def test_an_unreachable_server_exits_6():
    done = tracker(f"http://127.0.0.1:{free_port()}", "ping", "1", retries=1)
    assert done.returncode == 6


def test_a_claim_held_by_another_exits_7(server):
    task_id = new_task(server)
    Task.objects.filter(pk=task_id).update(status=TaskStatus.DONE)
    assert tracker(server, "claim", str(task_id)).returncode == 7


def test_claim_then_list_as_table_and_json(server):
    task_id = new_task(server, "Index the archive")
    claimed = tracker(server, "claim", str(task_id), "--lease", "10")
    assert claimed.returncode == 0, claimed.stderr
    assert "in_progress until" in claimed.stdout
    table = tracker(server, "list")
    assert table.stdout.splitlines()[0].split()[:3] == ["ID", "STATUS", "NAME"]
    assert "Index the archive" in table.stdout
    listed = json.loads(tracker(server, "list", "--json").stdout)
    assert [(task["id"], task["claimed_by"]) for task in listed] == [
        (task_id, SERVICE_ACCOUNT_USERNAME)
    ]


def test_a_create_survives_the_server_being_down_then_up(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    answer = {}

    def create() -> None:
        answer["done"] = tracker(url, "create", "Made after the outage", retries=8, timeout=120)

    client = threading.Thread(target=create)
    client.start()
    time.sleep(2)  # the client meets a refused connection, then backs off
    env = app_env(API_AUTH_TOKEN=TOKEN, THROTTLE_WRITE_RATE="")
    with running_server(env, tmp_path / "gunicorn.log", port=port):
        client.join(timeout=120)
    done = answer["done"]
    assert done.returncode == 0, done.stderr
    assert "retrying" in done.stderr
    assert Task.objects.filter(name="Made after the outage").count() == 1
