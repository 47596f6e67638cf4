"""`manage.py run_reminders`: the reminder loop (the sweep itself is tasks.reminders).

Each pass sends what is due, then the loop sleeps until the next reminder falls due (at most
--max-sleep seconds), waking early when a task changes (Redis pub/sub on tasks.events.CHANNEL).
Without Redis it runs by its timer alone. SIGTERM/SIGINT finish the batch in hand and exit 0. A failing
pass (database down, a bug) is logged and retried with a growing pause, never a crash or a busy loop.
"""

import json
import logging
import os
import select
import signal
import threading
import time

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections

from tasks import events, reminders

logger = logging.getLogger("tasks.run_reminders")

# When a reminder is already due (say, rows another sweeper holds right now), look again this soon.
MIN_SLEEP_SECONDS = 0.05
FIRST_RETRY_SECONDS = 1.0
REDIS_RETRY_MAX_SECONDS = 30.0


class Waker:
    """A sleep that a signal handler or another thread can cut short (a self-pipe: safe in both)."""

    def __init__(self) -> None:
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)
        self._lock = threading.Lock()
        self._closed = False

    def wake(self) -> None:
        # Not locked: also called from a signal handler, and signals are restored before close().
        try:
            os.write(self._write_fd, b"!")
        except BlockingIOError:
            pass  # the pipe is full: already awake

    def wake_from_thread(self) -> None:
        with self._lock:
            if not self._closed:
                self.wake()

    def sleep(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if woken early."""
        ready, _, _ = select.select([self._read_fd], [], [], seconds)
        if not ready:
            return False
        try:
            while os.read(self._read_fd, 512):
                pass
        except BlockingIOError:
            pass
        return True

    def close(self) -> None:
        with self._lock:
            self._closed = True
            os.close(self._read_fd)
            os.close(self._write_fd)


def is_task_change(data: bytes | str) -> bool:
    """Only task events move reminders; notification events (our own included) do not."""
    try:
        return str(json.loads(data).get("type", "")).startswith("task.")
    except (ValueError, AttributeError):
        return False


class ChangeListener(threading.Thread):
    """Wakes the loop on task changes; reconnects after Redis outages, logging each outage once."""

    def __init__(self, waker: Waker) -> None:
        super().__init__(name="reminders-change-listener", daemon=True)
        self.waker = waker

    def run(self) -> None:
        delay = FIRST_RETRY_SECONDS
        redis_down = False
        while True:
            try:
                pubsub = redis.Redis.from_url(
                    settings.REDIS_URL,
                    socket_connect_timeout=2,
                    socket_keepalive=True,
                    health_check_interval=30,
                ).pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(events.CHANNEL)
                logger.info("listening for task changes on Redis channel %s", events.CHANNEL)
                redis_down, delay = False, FIRST_RETRY_SECONDS
                # A change may have happened while nobody listened.
                self.waker.wake_from_thread()
                while True:
                    message = pubsub.get_message(timeout=30)
                    if message and is_task_change(message["data"]):
                        self.waker.wake_from_thread()
            except redis.RedisError as error:
                if not redis_down:
                    logger.warning("Redis unavailable, reminders run by timer only: %s", error)
                redis_down = True
            time.sleep(delay)
            delay = min(delay * 2, REDIS_RETRY_MAX_SECONDS)


class Command(BaseCommand):
    help = "Send due reminders, then wait for the next one (or a task change); --once for one pass."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do one pass and exit.")
        parser.add_argument(
            "--max-sleep",
            type=float,
            default=30.0,
            help="Longest wait between passes, in seconds (default 30).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=reminders.DEFAULT_BATCH_SIZE,
            help=f"Reminders per transaction (default {reminders.DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args, once: bool, max_sleep: float, batch_size: int, **options) -> None:
        if max_sleep <= 0 or batch_size <= 0:
            raise CommandError("--max-sleep and --batch-size must be greater than 0.")
        self.stop_signal: str | None = None
        self.waker = Waker()
        previous_handlers = {
            signum: signal.signal(signum, self.on_stop_signal)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            if once:
                try:
                    self.run_pass(batch_size)
                except DatabaseError as error:
                    raise CommandError(f"reminder pass failed: {error}") from error
            else:
                ChangeListener(self.waker).start()
                self.loop(max_sleep=max_sleep, batch_size=batch_size)
        finally:
            for signum, handler in previous_handlers.items():
                signal.signal(signum, handler)
            self.waker.close()
        if self.stop_signal:
            logger.info("%s received: stopped after the current batch", self.stop_signal)

    def on_stop_signal(self, signum: int, frame) -> None:
        # Only a flag and a wake-up: the batch in hand finishes and commits.
        self.stop_signal = signal.Signals(signum).name
        self.waker.wake()

    def stopping(self) -> bool:
        return self.stop_signal is not None

    def run_pass(self, batch_size: int) -> None:
        started = time.perf_counter()
        sent = reminders.send_due_reminders(batch_size=batch_size, should_stop=self.stopping)
        if sent:
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.info("sent %d reminder%s in %.1f ms", sent, "" if sent == 1 else "s", elapsed_ms)

    def loop(self, *, max_sleep: float, batch_size: int) -> None:
        failures = 0
        while not self.stopping():
            try:
                self.run_pass(batch_size)
                delay = reminders.seconds_until_next_reminder(max_seconds=max_sleep)
            except Exception as error:  # a worker outlives a bad pass and retries
                failures += 1
                retry_in = min(max_sleep, FIRST_RETRY_SECONDS * 2 ** min(failures - 1, 10))
                if isinstance(error, DatabaseError):
                    logger.warning("reminder pass failed (%s); retrying in %.0f s", error, retry_in)
                else:
                    logger.exception("reminder pass failed; retrying in %.0f s", retry_in)
                self.close_connections()
                self.sleep_through_changes(retry_in)
                continue
            if failures:
                logger.info("reminder passes recovered after %d failure(s)", failures)
                failures = 0
            self.waker.sleep(max(MIN_SLEEP_SECONDS, delay))

    def close_connections(self) -> None:
        """Forget a broken connection so the next pass opens a fresh one (kept open otherwise)."""
        try:
            connections.close_all()
        except DatabaseError:
            pass

    def sleep_through_changes(self, seconds: float) -> None:
        """Back off for `seconds`: task changes do not cut it short, a stop signal does."""
        deadline = time.monotonic() + seconds
        while not self.stopping() and (remaining := deadline - time.monotonic()) > 0:
            self.waker.sleep(remaining)
