"""The loop's second duty beside reminders: stalled heartbeats, expired claims, old idempotency keys,
archived tasks past their retention.

Each pass of `run_reminders` and each RQ job run calls `watch_pass` after the reminder sweep. The
rules live with their domain (tasks.heartbeats.mark_stalled, tasks.claims.expire_leases); this
module only runs them, and tells the loop when the next one falls due.
"""

import logging
from datetime import datetime

from django.utils import timezone

from idempotency.services import requests_forget_expired
from tasks import claims, heartbeats
from tasks.services import archived_tasks_purge

logger = logging.getLogger(__name__)


def watch_pass(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    done = {
        "stalled": heartbeats.mark_stalled(now=now),
        "leases_expired": claims.expire_leases(now=now),
        "idempotency_keys_forgotten": requests_forget_expired(now=now),
        "archived_purged": archived_tasks_purge(now=now),
    }
    if done["stalled"] or done["leases_expired"]:
        logger.info("%(stalled)d task(s) stalled, %(leases_expired)d lease(s) expired", done)
    return done


def seconds_until_next_watch(*, max_seconds: float, now: datetime | None = None) -> float:
    now = now or timezone.now()
    due = [at for at in (heartbeats.next_stall_at(), claims.next_lease_end()) if at is not None]
    if not due:
        return max_seconds
    return min(max_seconds, max(0.0, (min(due) - now).total_seconds()))
