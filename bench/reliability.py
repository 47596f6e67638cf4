"""The machinery bench/load.py and bench/faults.py share: throwaway services, the app under gunicorn
with the reminder worker, 50 API clients, and the checks run on what they did.

Everything runs on loopback in a temporary directory and is stopped and removed at the end: its own
redis-server, and for PostgreSQL its own cluster (initdb + pg_ctl, as the postgres user when run as
root) or, with --postgres-url, a scratch database created and dropped on an existing server. The
machine's own Redis and PostgreSQL are never touched.

Each client acts as one person with a token of their own, and only ever changes tasks it created, so
it knows what every one of its tasks must look like afterwards and how many times it moved each into
done. A write counts as acknowledged when the server answered 2xx; one that got a 5xx or no answer
may or may not have happened, so its task is checked loosely (counted as "uncertain").
"""

import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from tracker.tests.servers import Server, start_server, stop_server

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
STATIC_TOKEN = "bench-static-token"  # noqa: S105 (a throwaway server on loopback)

# Reminder tasks fire every 3 s, so many reminders fall due during a run.
SHORT_INTERVAL_MINUTES = 0.05
REMINDER_TASKS = 20
OTHER_TASKS = 200
# How late a reminder may be at the end (the worker sleeps at most 1 s between passes).
OVERDUE_SLACK_SECONDS = 5.0

SEED = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from accounts.services import token_create
from boards.access import default_board
from boards.services import member_add
from tasks.services import task_create

clients, reminder_tasks, other_tasks, short = (float(a) for a in sys.argv[1:])
tokens = []
for n in range(int(clients)):
    user = get_user_model()(username=f"bench-{n}")
    user.set_unusable_password()
    user.save()
    # Editors of the default board, where the bench's requests (naming no board) write.
    member_add(board=default_board(), username=user.username, role="editor")
    tokens.append(token_create(user=user, name="bench")[1])
for n in range(int(reminder_tasks)):
    task_create(name=f"Reminder task {n}", status="in_progress", interval_minutes=short)
for n in range(int(other_tasks)):
    task_create(name=f"Seed task {n}", status=["todo", "in_progress", "done"][n % 3])
# Planner statistics, as a database in service has them: PostgreSQL's autovacuum gathers its first
# only after about a minute (as long as a whole run), and SQLite's only on ANALYZE. Both, alike.
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(json.dumps(tokens))
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- services ----------------------------------------------------------------------------------


class RedisServer:
    """A throwaway redis-server of our own on `port` (never the machine's 6379)."""

    def __init__(self, port: int, workdir: Path) -> None:
        if shutil.which("redis-server") is None:
            sys.exit("redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)")
        self.port, self.workdir = port, workdir
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        log_file = open(self.workdir / "redis.log", "a")  # noqa: SIM115 (inherited by the server)
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.workdir)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: _port_open(self.port), f"redis-server on port {self.port}", 10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class PostgresCluster:
    """A throwaway PostgreSQL cluster of our own (initdb + pg_ctl on `port`), or a scratch database
    on an existing server when `server_url` is given."""

    def __init__(self, port: int, workdir: Path, server_url: str | None = None) -> None:
        self.server_url = server_url
        self.database = f"bench_reliability_{os.getpid()}"
        self.datadir = workdir / "pgdata"
        self.port = port
        self.own_cluster = server_url is None
        if self.own_cluster:
            self.url = f"postgres://postgres@127.0.0.1:{port}/{self.database}"
        else:
            parts = urlsplit(server_url)
            self.url = parts._replace(path=f"/{self.database}").geturl()

    def _as_postgres(self, *command: str) -> list[str]:
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def _pg_ctl(self, *arguments: str) -> None:
        command = self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.datadir), *arguments)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def create(self) -> None:
        if self.own_cluster:
            self.datadir.mkdir()
            if os.geteuid() == 0:
                shutil.chown(self.datadir.parent, "postgres")
                shutil.chown(self.datadir, "postgres")
            initdb = [str(PG_BIN / "initdb"), "-D", str(self.datadir), "-A", "trust", "-U"]
            subprocess.run(
                self._as_postgres(*initdb, "postgres", "--no-sync"),
                check=True,
                stdout=subprocess.DEVNULL,
            )
            self.start()
        self._admin(f'CREATE DATABASE "{self.database}"')

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-o", options, "-l", str(self.datadir / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        if self.own_cluster:
            if self.datadir.exists():
                try:
                    self._pg_ctl("-m", "immediate", "-w", "stop")
                except subprocess.CalledProcessError:
                    pass  # already stopped
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        import psycopg

        admin_url = (
            f"postgres://postgres@127.0.0.1:{self.port}/postgres"
            if self.own_cluster
            else self.server_url
        )
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(statement)


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")
        time.sleep(0.1)


# --- the app -----------------------------------------------------------------------------------


class App:
    """The app's web server (tracker.tests.servers) plus `manage.py run_reminders`, on one database."""

    def __init__(
        self, *, database_url: str, redis_url: str, port: int, workers: int, workdir: Path
    ):
        self.port, self.workers, self.workdir = port, workers, workdir
        self.base_url = f"http://127.0.0.1:{port}"
        self.env = {
            **{name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ},
            "PYTHONPATH": str(BASE_DIR),
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "DEBUG": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "API_AUTH_TOKEN": STATIC_TOKEN,
            "LOG_LEVEL": "WARNING",
        }
        self.web: Server | None = None
        self.worker: subprocess.Popen | None = None
        self.worker_starts = 0

    def manage(self, *arguments: str) -> str:
        return subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def prepare(self, clients: int) -> list[str]:
        """Migrate and seed; returns one API token per client."""
        self.manage("migrate", "--noinput", "-v0")
        seeded = subprocess.run(
            [PYTHON, "-c", SEED, str(clients), str(REMINDER_TASKS), str(OTHER_TASKS)]
            + [str(SHORT_INTERVAL_MINUTES)],
            cwd=BASE_DIR,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(seeded.stdout.strip().splitlines()[-1])

    def start(self, clients: int) -> tuple[list[str], int]:
        """Migrate, seed, start the web server and the worker: (one API token per client, the
        completion notifications already there)."""
        log(f"migrating and seeding in {self.workdir}")
        tokens = self.prepare(clients)
        self.start_web()
        self.start_worker()
        return tokens, completion_count(self)

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen:
        log_file = open(self.workdir / log_name, "a")  # noqa: SIM115 (inherited by the child)
        return subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_web(self) -> None:
        self.web = start_server(
            self.env, self.workdir / "gunicorn.log", workers=self.workers, port=self.port
        )

    def start_worker(self) -> None:
        self.worker_starts += 1
        self.worker = self._spawn(
            [PYTHON, "manage.py", "run_reminders", "--max-sleep", "1"], "worker.log"
        )

    def kill_worker(self) -> None:
        """SIGKILL: no clean-up, no finishing the batch in hand."""
        os.kill(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    def stop_worker(self) -> None:
        if self.worker and self.worker.poll() is None:
            self.worker.terminate()
            self.worker.wait(timeout=30)

    def stop(self) -> None:
        self.stop_worker()
        if self.web:
            stop_server(self.web)

    def log_count(self, text: str) -> int:
        return sum(
            path.read_text(errors="replace").count(text)
            for path in (self.workdir / "gunicorn.log", self.workdir / "worker.log")
            if path.exists()
        )


# --- clients -----------------------------------------------------------------------------------


@dataclass
class OwnTask:
    status: str
    name: str
    interval_minutes: float
    moves_into_done: int = 0
    uncertain: bool = False
    deleted: bool = False


@dataclass
class Outage:
    """A window in which the database was down: 503s (and dropped connections) are expected in it."""

    start: float
    end: float = float("inf")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[tuple[float, str, int, str]] = field(default_factory=list)
    network_errors: list[tuple[float, str, str]] = field(default_factory=list)
    locked: int = 0


class Client(threading.Thread):
    """One person with a token of their own: reads everything, writes only their own tasks."""

    WEIGHTS = {
        "list tasks": 20,
        "read task": 15,
        "list notifications": 10,
        "unread count": 5,
        "create": 17,
        "move": 25,
        "delete": 8,
    }

    def __init__(self, number: int, token: str, port: int, started: float, stop: threading.Event):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number, self.token, self.port = number, token, port
        self.started, self.stop_event = started, stop
        self.random = random.Random(number)
        self.tasks: dict[int, OwnTask] = {}
        self.uncertain_creates = 0
        self.tally = Tally()
        self.connection = self._connect()
        self.created = 0

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def call(self, kind: str, method: str, path: str, body: dict | None = None):
        """(status, parsed JSON or None); status None when no answer came."""
        headers = {"Authorization": f"Bearer {self.token}"}
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        try:
            self.connection.request(method, path, payload, headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = self._connect()
            self.tally.network_errors.append((began - self.started, kind, repr(error)))
            return None, None
        elapsed = time.perf_counter() - began
        self.tally.latencies[kind].append(elapsed)
        self.tally.statuses[response.status] += 1
        text = raw.decode(errors="replace")
        if "database is locked" in text:
            self.tally.locked += 1
        if response.status >= 500:
            self.tally.server_errors.append(
                (began - self.started, kind, response.status, text[:200])
            )
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, None

    def run(self) -> None:
        kinds, weights = zip(*self.WEIGHTS.items(), strict=True)
        while not self.stop_event.is_set():
            kind = self.random.choices(kinds, weights)[0]
            getattr(self, "do_" + kind.replace(" ", "_"))(kind)
        self.connection.close()

    def _live_task(self) -> int | None:
        live = [pk for pk, task in self.tasks.items() if not task.deleted]
        return self.random.choice(live) if live else None

    def do_list_tasks(self, kind: str) -> None:
        offset = self.random.randrange(0, 200)
        self.call(kind, "GET", f"/tasks/?limit=50&offset={offset}")

    def do_read_task(self, kind: str) -> None:
        pk = self._live_task() or self.random.randrange(1, REMINDER_TASKS + OTHER_TASKS)
        self.call(kind, "GET", f"/tasks/{pk}")

    def do_list_notifications(self, kind: str) -> None:
        self.call(kind, "GET", "/notifications/?limit=20")

    def do_unread_count(self, kind: str) -> None:
        self.call(kind, "GET", "/notifications/unread-count")

    def do_create(self, kind: str) -> None:
        self.created += 1
        status = self.random.choice(["todo", "in_progress", "done"])
        interval = SHORT_INTERVAL_MINUTES if self.random.random() < 0.2 else 30.0
        name = f"client {self.number} task {self.created}"
        body = {"name": name, "status": status, "interval_minutes": interval}
        code, data = self.call(kind, "POST", "/tasks/", body)
        if code == 200:
            self.tasks[data["id"]] = OwnTask(
                status, name, interval, moves_into_done=int(status == "done")
            )
        elif code is None or code >= 500:
            self.uncertain_creates += 1

    def do_move(self, kind: str) -> None:
        pk = self._live_task()
        if pk is None:
            return self.do_create("create")
        task = self.tasks[pk]
        status = self.random.choice(
            [s for s in ("todo", "in_progress", "done") if s != task.status]
        )
        body = {"status": status, "position": self.random.randrange(0, 5)}
        code, _ = self.call(kind, "PATCH", f"/tasks/{pk}", body)
        if code == 200:
            task.moves_into_done += status == "done"
            task.status = status
        elif code is None or code >= 500:
            task.uncertain = True

    def do_delete(self, kind: str) -> None:
        pk = self._live_task()
        if pk is None:
            return
        code, _ = self.call(kind, "DELETE", f"/tasks/{pk}")
        if code == 200:
            self.tasks[pk].deleted = True
        elif code is None or code >= 500:
            self.tasks[pk].uncertain = True


def run_clients(
    tokens: list[str], port: int, seconds: float, during=None
) -> tuple[list[Client], float]:
    """Run one client per token for `seconds`; `during(started)` runs beside them (faults)."""
    stop = threading.Event()
    started = time.perf_counter()
    clients = [Client(n, token, port, started, stop) for n, token in enumerate(tokens)]
    for client in clients:
        client.start()
    if during is not None:
        during(started)
    remaining = seconds - (time.perf_counter() - started)
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for client in clients:
        client.join(timeout=60)
    # A client still running would go on changing what the checks are about to read.
    stuck = [client.name for client in clients if client.is_alive()]
    if stuck:
        raise RuntimeError(f"clients still running 60 s after the stop: {', '.join(stuck)}")
    return clients, time.perf_counter() - started


# --- checks ------------------------------------------------------------------------------------


def _get_json(port: int, path: str) -> tuple[object, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Authorization": f"Bearer {STATIC_TOKEN}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
    return json.loads(body), response.headers  # case-insensitive: names arrive lower-case


def _all_notifications(port: int, notification_type: str) -> list[dict]:
    rows, offset = [], 0
    while True:
        page, headers = _get_json(
            port, f"/notifications/?type={notification_type}&limit=1000&offset={offset}"
        )
        rows += page
        offset += len(page)
        if not page or offset >= int(headers["X-Total-Count"]):
            return rows


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


@dataclass
class Findings:
    checked_tasks: int = 0
    acknowledged_writes: int = 0
    missing_or_wrong: list[str] = field(default_factory=list)
    uncertain_tasks: int = 0
    moves_into_done: int = 0
    completion_notifications: int = 0
    completion_mismatches: list[str] = field(default_factory=list)
    reminders: int = 0
    doubled_reminders: list[str] = field(default_factory=list)
    overdue_tasks: list[str] = field(default_factory=list)


def check_tasks_and_reminders(
    app: App, clients: list[Client], baseline_completions: int
) -> Findings:
    """Every acknowledged write readable, completions reconciled, reminders neither lost nor doubled.

    Runs with the clients stopped and the worker still running; stops the worker before reading the
    reminders, so none is written while they are paged through.
    """
    findings = Findings()
    time.sleep(OVERDUE_SLACK_SECONDS)  # let the worker catch up with anything due just now
    tasks, _ = _get_json(app.port, "/tasks/")
    now = datetime.now().astimezone()
    by_id = {task["id"]: task for task in tasks}
    for task in tasks:
        due = task["next_reminder_at"]
        if (
            task["status"] == "in_progress"
            and (now - _moment(due)).total_seconds() > OVERDUE_SLACK_SECONDS
        ):
            findings.overdue_tasks.append(f"task {task['id']} due at {due}")
    app.stop_worker()

    completions = Counter(n["task_id"] for n in _all_notifications(app.port, "completion"))
    findings.completion_notifications = sum(completions.values()) - baseline_completions
    lower = upper = 0
    for client in clients:
        upper += client.uncertain_creates  # a create that may have happened, as done
        for pk, own in client.tasks.items():
            findings.checked_tasks += 1
            findings.moves_into_done += own.moves_into_done
            lower += own.moves_into_done
            if own.uncertain:
                findings.uncertain_tasks += 1
                upper += 1
                continue
            findings.acknowledged_writes += 1
            stored = by_id.get(pk)
            if own.deleted:
                if stored is not None:
                    findings.missing_or_wrong.append(f"task {pk} deleted but still there")
            elif stored is None:
                findings.missing_or_wrong.append(f"task {pk} missing")
            elif (stored["status"], stored["name"]) != (own.status, own.name):
                findings.missing_or_wrong.append(
                    f"task {pk}: {stored['status']!r}, expected {own.status!r}"
                )
            elif completions[pk] != own.moves_into_done:
                findings.completion_mismatches.append(
                    f"task {pk}: {completions[pk]} completion notifications "
                    f"for {own.moves_into_done} moves into done"
                )
    if not lower <= findings.completion_notifications <= lower + upper:
        findings.completion_mismatches.append(
            f"{findings.completion_notifications} completion notifications for {lower} "
            f"acknowledged moves into done (+{upper} uncertain)"
        )

    reminders = _all_notifications(app.port, "reminder")
    findings.reminders = len(reminders)
    by_task: dict[int, list[datetime]] = defaultdict(list)
    for reminder in reminders:
        if reminder["task_id"] is not None:
            by_task[reminder["task_id"]].append(_moment(reminder["created_at"]))
    for pk, moments in by_task.items():
        if pk not in by_id:
            continue  # deleted since; its interval is gone with it
        interval = by_id[pk]["interval_minutes"] * 60
        moments.sort()
        for earlier, later in zip(moments, moments[1:], strict=False):
            gap = (later - earlier).total_seconds()
            if gap < interval - 0.001:
                findings.doubled_reminders.append(
                    f"task {pk}: reminders {gap:.3f} s apart, interval {interval:.0f} s"
                )
    return findings


def completion_count(app: App) -> int:
    return len(_all_notifications(app.port, "completion"))


# --- figures -----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class RunFigures:
    label: str
    seconds: float
    requests: int
    throughput: float
    p50_ms: float
    p99_ms: float
    by_kind: dict[str, tuple[int, float, float]]
    statuses: Counter
    server_errors: list
    network_errors: list
    locked_in_responses: int
    locked_in_logs: int
    findings: Findings
    reminder_worker_starts: int = 1
    outages: list[Outage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def unexpected_errors(self, grace: float = 5.0) -> tuple[list, list]:
        """5xx and dropped requests outside a database outage (503 is the only 5xx allowed in one)."""

        def in_outage(moment: float) -> bool:
            # By when the request was sent: one in flight as the database went down counts too.
            return any(o.start - grace <= moment <= o.end + grace for o in self.outages)

        server = [e for e in self.server_errors if not (e[2] == 503 and in_outage(e[0]))]
        network = [e for e in self.network_errors if not in_outage(e[0])]
        return server, network


def figures(
    label: str, app: App, clients: list[Client], seconds: float, findings: Findings, **extra
) -> RunFigures:
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: Counter = Counter()
    server_errors, network_errors, locked = [], [], 0
    for client in clients:
        for kind, values in client.tally.latencies.items():
            latencies[kind] += values
        statuses.update(client.tally.statuses)
        server_errors += client.tally.server_errors
        network_errors += client.tally.network_errors
        locked += client.tally.locked
    every = [value for values in latencies.values() for value in values]
    return RunFigures(
        label=label,
        seconds=seconds,
        requests=len(every),
        throughput=len(every) / seconds,
        p50_ms=statistics.median(every) * 1000,
        p99_ms=percentile(every, 0.99) * 1000,
        by_kind={
            kind: (len(values), statistics.median(values) * 1000, percentile(values, 0.99) * 1000)
            for kind, values in sorted(latencies.items())
        },
        statuses=statuses,
        server_errors=server_errors,
        network_errors=network_errors,
        locked_in_responses=locked,
        locked_in_logs=app.log_count("database is locked"),
        findings=findings,
        reminder_worker_starts=app.worker_starts,
        **extra,
    )


def print_figures(run: RunFigures) -> bool:
    """Print one run's figures; True when it held (nothing unexpected, nothing lost or doubled)."""
    f = run.findings
    server, network = run.unexpected_errors()
    in_outage_503 = sum(1 for e in run.server_errors if e[2] == 503) - sum(
        1 for e in server if e[2] == 503
    )
    print(f"\n== {run.label}")
    print(
        f"{run.requests} requests in {run.seconds:.1f} s: {run.throughput:.0f} req/s, "
        f"p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms"
    )
    for kind, (count, p50, p99) in run.by_kind.items():
        print(f"  {kind:<20} {count:>7}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
    print("statuses: " + ", ".join(f"{code}: {n}" for code, n in sorted(run.statuses.items())))
    for note in run.notes:
        print(note)
    print(f"5xx outside a database outage:      {len(server)}")
    print(f"503 while the database was down:    {in_outage_503}")
    print(
        f"dropped requests outside an outage: {len(network)} (in outages: {len(run.network_errors) - len(network)})"
    )
    print(
        f'"database is locked":               {run.locked_in_responses} in responses, {run.locked_in_logs} in logs'
    )
    print(
        f"acknowledged writes readable:       {f.acknowledged_writes - len(f.missing_or_wrong)}"
        f"/{f.acknowledged_writes} tasks ({f.uncertain_tasks} uncertain, checked loosely)"
    )
    print(
        f"completion notifications:           {f.completion_notifications} for "
        f"{f.moves_into_done} acknowledged moves into done"
    )
    print(
        f"reminders sent:                     {f.reminders} (worker started {run.reminder_worker_starts}x)"
    )
    print(f"reminders doubled:                  {len(f.doubled_reminders)}")
    print(f"reminders lost (overdue at the end): {len(f.overdue_tasks)}")
    problems = (
        server
        + network
        + f.missing_or_wrong
        + f.completion_mismatches
        + f.doubled_reminders
        + f.overdue_tasks
    )
    for problem in problems[:15]:
        print(f"  ! {problem}")
    held = not problems and run.locked_in_responses == 0 and run.locked_in_logs == 0
    print("HELD" if held else "FAILED")
    return held


class Workspace:
    """A temporary directory with the services in it; everything is stopped and removed on exit."""

    def __init__(self, args, database: str) -> None:
        self.args, self.database = args, database
        self.workdir = Path(tempfile.mkdtemp(prefix=f"bench-reliability-{database}-"))
        self.redis = RedisServer(args.redis_port, self.workdir)
        self.postgres: PostgresCluster | None = None
        self.app: App | None = None

    def __enter__(self) -> "Workspace":
        self.redis.start()
        if self.database == "postgres":
            self.postgres = PostgresCluster(self.args.pg_port, self.workdir, self.args.postgres_url)
            self.postgres.create()
            database_url = self.postgres.url
        else:
            database_url = f"sqlite:///{self.workdir}/bench.db"
        self.app = App(
            database_url=database_url,
            redis_url=self.redis.url,
            port=self.args.port,
            workers=self.args.workers,
            workdir=self.workdir,
        )
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self.app:
                self.app.stop()
            if self.postgres:
                self.postgres.destroy()
            self.redis.stop()
        finally:
            if self.args.keep:
                log(f"kept {self.workdir}")
            else:
                shutil.rmtree(self.workdir, ignore_errors=True)


def run_on_each_database(args, run: Callable[[object, str], bool]) -> NoReturn:
    """`run(args, database)` on each database asked for; exits 1 unless every run held."""
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run(args, database) for database in databases]
    sys.exit(0 if all(results) else 1)


def add_common_arguments(parser) -> None:
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database", choices=["sqlite", "postgres", "both"], default="both", help="default both"
    )
    parser.add_argument("--port", type=int, default=8500, help="the app's port (default 8500)")
    parser.add_argument("--redis-port", type=int, default=8579, help="own redis-server (8579)")
    parser.add_argument("--pg-port", type=int, default=8532, help="own PostgreSQL cluster (8532)")
    parser.add_argument(
        "--postgres-url",
        help="use a scratch database on this server instead of an own cluster "
        "(e.g. postgres://postgres@127.0.0.1:5432/postgres); faults.py needs its own cluster",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
