"""RQ jobs. `manage.py rqcron reminders.cron` enqueues `send_due_reminders` every few seconds."""

from notifications import dispatch
from reminders import sweep, watch


def send_due_reminders() -> int:
    """One reminder pass, the same as one pass of `manage.py run_reminders`; safe to overlap."""
    sent = sweep.send_due_reminders()
    watch.watch_pass()  # stalled heartbeats, expired claims (reminders.watch)
    return sent


def send_due_deliveries() -> int:
    """Send the due deliveries (notifications.dispatch), for at most 50 seconds; safe to overlap."""
    return dispatch.send_due_deliveries(max_seconds=50.0)
