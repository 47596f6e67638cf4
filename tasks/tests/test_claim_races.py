"""Claimers racing from several real processes, each its own Django and database connection:
of every race exactly one wins (the conditional UPDATE of tasks.claims). SQLite and PostgreSQL."""

import json
import subprocess
import sys
import time

import pytest

from accounts.services import bot_create
from tasks.models import Task
from tasks.tests.agents import agent_board, board_task
from tracker.tests.servers import BASE_DIR, script_env

PROCESSES = 4
TASKS = 8
# Each process claims task i at start + i * STEP, so the processes race on every task.
STEP_SECONDS = 0.25

CLAIMER = """
import json, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from tasks.claims import ClaimRefused, task_claim
from tasks.models import Task

name, start, step, ids = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
me = get_user_model().objects.get(username=name)
won = []
for index, task_id in enumerate(ids):
    time.sleep(max(0.0, start + index * step - time.time()))
    try:
        task_claim(task=Task(pk=int(task_id)), actor=me)
        won.append(int(task_id))
    except ClaimRefused:
        pass
print(json.dumps(won))
"""

pytestmark = pytest.mark.django_db(transaction=True)


def test_of_claimers_in_several_processes_exactly_one_wins_each_task():
    board = agent_board()
    names = [f"claimer-{number}" for number in range(PROCESSES)]
    for name in names:
        bot_create(board=board, name=name, role="editor")
    ids = [str(board_task(board, f"job {number}").pk) for number in range(TASKS)]
    # Far enough ahead for every process to start up and set Django up.
    start = time.time() + 6
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", CLAIMER, name, str(start), str(STEP_SECONDS), *ids],
            cwd=BASE_DIR,
            env=script_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    won = {}
    for name, process in zip(names, processes, strict=True):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        won[name] = json.loads(out)
    assert sorted(task for tasks in won.values() for task in tasks) == sorted(map(int, ids))
    for name, tasks in won.items():
        for task_id in tasks:
            assert Task.objects.get(pk=task_id).claimed_by.username == name
