"""RQ cron config: `python manage.py rqcron reminders.cron` enqueues one reminder pass every few seconds.

RQ's cron scheduler takes no lock, so run exactly one rqcron process: a second one enqueues every job
twice. The job itself is safe to overlap (reminders.sweep claims each due task exactly once), so a
doubled or slow schedule costs work, never duplicate reminders.
"""

from django.conf import settings
from rq import cron

from reminders.jobs import send_due_deliveries, send_due_reminders

cron.register(
    send_due_reminders,
    queue_name=settings.REMINDERS_QUEUE,
    interval=settings.REMINDERS_CRON_SECONDS,
    # A pass is short; a stale one is pointless once the next is enqueued.
    job_timeout=max(60, settings.REMINDERS_CRON_SECONDS * 10),
    ttl=max(60, settings.REMINDERS_CRON_SECONDS * 10),
    result_ttl=60,
)

# The outbox's deliveries (notifications.dispatch). On a queue of its own when DELIVERY_QUEUE names
# one, so that workers busy with a slow receiver never hold up the reminder pass.
cron.register(
    send_due_deliveries,
    queue_name=settings.DELIVERY_QUEUE,
    interval=settings.REMINDERS_CRON_SECONDS,
    job_timeout=120,
    ttl=max(60, settings.REMINDERS_CRON_SECONDS * 10),
    result_ttl=60,
)
