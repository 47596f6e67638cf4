"""RQ jobs. `manage.py rqcron reminders.cron` enqueues `send_due_reminders` every few seconds."""

from reminders import sweep, watch


def send_due_reminders() -> int:
    """One reminder pass, the same as one pass of `manage.py run_reminders`; safe to overlap."""
    sent = sweep.send_due_reminders()
    watch.watch_pass()  # stalled heartbeats, expired claims (reminders.watch)
    return sent
