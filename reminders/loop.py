"""The pieces of the `run_reminders` loop: an interruptible sleep and a listener for task changes.

The loop itself (reminders/management/commands/run_reminders.py) sends what is due, then sleeps on a
`Waker` until the next reminder falls due; `ChangeListener` wakes it early when a task changes
(Redis pub/sub on tracker.events.channel(), this installation's own).
"""

import json
import logging
import os
import select
import threading
import time

import redis

from tracker import events, redis_client

logger = logging.getLogger("reminders.loop")

# When a reminder is already due (say, rows another sweeper holds right now), look again this soon.
MIN_SLEEP_SECONDS = 0.05
FIRST_RETRY_SECONDS = 1.0
# Task changes arriving this close together wake the loop once. Nothing a change schedules falls due
# in under a second (MIN_INTERVAL_MINUTES, MIN_LEASE_MINUTES), so the wait makes nothing late.
CHANGE_SETTLE_SECONDS = 0.2
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
                channel = events.channel()
                pubsub = redis_client.listener_client().pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(channel)
                logger.info("listening for task changes on Redis channel %s", channel)
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
