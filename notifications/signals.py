"""Signals notifications sends, so that apps it must not import can act on them."""

from django.dispatch import Signal

# Sent inside notification_acknowledge's transaction with `notification`, `actor` and `now`; a
# receiver that pauses the task's reminders (tasks.reminder_pause) returns when they resume.
reminder_acknowledged = Signal()
