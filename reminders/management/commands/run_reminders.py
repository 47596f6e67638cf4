"""`manage.py run_reminders`: the reminder loop (the sweep itself is reminders.sweep).

Each pass sends what is due, then the loop sleeps until the next reminder falls due (at most
--max-sleep seconds). A task change (Redis pub/sub on tracker.events.channel()) can only bring that
time closer: it wakes the loop to re-read when the next reminder falls due, not to run a pass.
Without Redis it runs by its timer alone. SIGTERM/SIGINT finish the batch in hand and exit 0. A failing
pass (database down, a bug) is logged and retried with a growing pause, never a crash or a busy loop.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections

from notifications import dispatch
from reminders import sweep, watch
from reminders.loop import (
    CHANGE_SETTLE_SECONDS,
    FIRST_RETRY_SECONDS,
    MIN_SLEEP_SECONDS,
    ChangeListener,
    Waker,
)

logger = logging.getLogger("reminders.run_reminders")


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
            default=sweep.DEFAULT_BATCH_SIZE,
            help=f"Reminders per transaction (default {sweep.DEFAULT_BATCH_SIZE}).",
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
                    # Then the deliveries due now, the new reminders' among them.
                    dispatch.send_due_deliveries(should_stop=self.stopping)
                except DatabaseError as error:
                    raise CommandError(f"reminder pass failed: {error}") from error
            else:
                ChangeListener(self.waker).start()
                # Deliveries are sent by threads of their own: the sweep never waits for a receiver.
                delivery_workers = dispatch.run_workers(
                    threads=settings.DELIVERY_WORKER_THREADS, should_stop=self.stopping
                )
                self.loop(max_sleep=max_sleep, batch_size=batch_size)
                for worker in delivery_workers:
                    # An attempt in hand finishes within its timeout; one cut off is retried
                    # after its lease (notifications.dispatch).
                    worker.join(timeout=settings.DELIVERY_TIMEOUT_SECONDS + 1)
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
        sent = sweep.send_due_reminders(batch_size=batch_size, should_stop=self.stopping)
        watch.watch_pass()
        if sent:
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.info("sent %d reminder%s in %.1f ms", sent, "" if sent == 1 else "s", elapsed_ms)

    def loop(self, *, max_sleep: float, batch_size: int) -> None:
        failures = 0
        while not self.stopping():
            try:
                self.run_pass(batch_size)
                delay = self.seconds_until_due(max_sleep)
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
            self.sleep_until_due(delay)

    def seconds_until_due(self, max_seconds: float) -> float:
        """Until the next reminder, stall or lease end falls due, at most `max_seconds`."""
        delay = sweep.seconds_until_next_reminder(max_seconds=max_seconds)
        return watch.seconds_until_next_watch(max_seconds=delay)

    def sleep_until_due(self, delay: float) -> None:
        """Sleep `delay` seconds, or less if a task change brings something due sooner.

        Under write load every create and move is a change: a whole pass per change (a dozen
        queries and a write) kept the loop busy and the database with it. A change is read as
        what it is, a possibly earlier due time: changes arriving together settle for a moment,
        then one re-read of the three due times (indexed reads) can only move the wake-up closer.
        """
        deadline = time.monotonic() + max(MIN_SLEEP_SECONDS, delay)
        while not self.stopping() and (remaining := deadline - time.monotonic()) > 0:
            if not self.waker.sleep(remaining):
                return  # the timer: the pass is due
            self.sleep_through_changes(min(CHANGE_SETTLE_SECONDS, deadline - time.monotonic()))
            remaining = deadline - time.monotonic()
            if self.stopping() or remaining <= 0:
                return
            try:
                delay = self.seconds_until_due(remaining)
            except DatabaseError:
                return  # the pass will meet the failure and retry as usual
            deadline = min(deadline, time.monotonic() + max(MIN_SLEEP_SECONDS, delay))
            logger.debug("a task changed: next pass in %.2f s", deadline - time.monotonic())

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
