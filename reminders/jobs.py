"""RQ jobs. `manage.py rqcron reminders.cron` enqueues `send_due_reminders` every few seconds."""

from reminders import sweep


def send_due_reminders() -> int:
    """One reminder pass, the same as one pass of `manage.py run_reminders`; safe to overlap."""
    return sweep.send_due_reminders()
