"""SQLite is tuned so a web server and a worker can write at the same time without "database is locked"."""

import subprocess
import sys

import pytest
from django.db import connection

from notifications.models import Notification
from tasks.models import Task
from tracker.tests.servers import NO_REDIS_URL, script_env

# Each writer creates tasks and moves them to done (a completion notification each), one transaction apiece.
WRITER = """
import django; django.setup()
from tasks.services import task_create, task_update
for i in range(60):
    task = task_create(name=f"writer {WRITER_ID} task {i}", status="in_progress")
    task_update(task=task, status="done")
print("ok")
"""


@pytest.mark.django_db(transaction=True)
def test_concurrent_writer_processes_never_see_database_is_locked():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite tuning; this run uses " + connection.vendor)
    # Events are best-effort; keep them out of this test.
    env = script_env(REDIS_URL=NO_REDIS_URL, LOG_LEVEL="INFO")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.replace("WRITER_ID", str(n))],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    results = [writer.communicate(timeout=120) for writer in writers]
    for (_out, err), writer in zip(results, writers, strict=True):
        assert writer.returncode == 0, err
        assert "database is locked" not in err
    assert Task.objects.filter(status="done").count() == 4 * 60
    assert Notification.objects.count() == 4 * 60
