"""RQ jobs. `manage.py rqcron tasks.cron` enqueues `send_due_reminders` every few seconds."""

from tasks import reminders


def send_due_reminders() -> int:
    """One reminder pass, the same as one pass of `manage.py run_reminders`; safe to overlap."""
    return reminders.send_due_reminders()
