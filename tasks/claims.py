"""Claims, for fleets of agents: one holder per task at a time, for a lease that pings renew.

A claim is a conditional UPDATE (`...WHERE unclaimed or lease passed or mine`): of any number of
concurrent claimers exactly one changes the row, on every database and across processes. The
winner then moves the task to In Progress and onto its assignees through tasks.services.
`expire_leases` (called by the reminder loop and job) frees the tasks whose lease ran out.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from boards.models import Membership
from notifications.models import NotificationType
from notifications.services import notification_create
from tasks.models import DEFAULT_LEASE_MINUTES, MAX_INTERVAL_MINUTES, Task, TaskStatus
from tasks.services import task_update

MIN_LEASE_MINUTES = 1 / 60


@dataclass
class ClaimRefused(Exception):
    """Another caller holds the task (the API answers 409 with who and until when), or it is done."""

    message: str
    holder: str | None = None
    until: datetime | None = None


def _usernames_after(task: Task, *, add=None, remove_id: int | None = None) -> list[str]:
    names = [user.get_username() for user in task.assignees.all() if user.pk != remove_id]
    if add is not None and Membership.objects.filter(board_id=task.board_id, user=add).exists():
        # Only members are assignees (the service account edits every board as no member).
        names.append(add.get_username())
    return list(dict.fromkeys(names))


def _check_lease(lease_minutes: float) -> None:
    if lease_minutes != lease_minutes or not (
        MIN_LEASE_MINUTES <= lease_minutes <= MAX_INTERVAL_MINUTES
    ):
        raise ValidationError(
            {"lease_minutes": [f"Give a lease of one second to {MAX_INTERVAL_MINUTES:g} minutes."]}
        )


def task_claim(
    *,
    task: Task,
    actor,
    lease_minutes: float = DEFAULT_LEASE_MINUTES,
    now: datetime | None = None,
) -> Task:
    """Make `actor` the task's holder for `lease_minutes`, its assignee, and move it to In
    Progress. The holder claiming again renews the lease. ClaimRefused if another holds it."""
    now = now or timezone.now()
    _check_lease(lease_minutes)
    free = Q(claimed_by__isnull=True) | Q(lease_until__lte=now) | Q(claimed_by=actor)
    won = (
        Task.objects.filter(free, pk=task.pk)
        .exclude(status=TaskStatus.DONE)
        .update(
            claimed_by=actor,
            lease_minutes=lease_minutes,
            lease_until=now + timedelta(minutes=lease_minutes),
        )
    )
    if not won:
        current = Task.objects.filter(pk=task.pk).select_related("claimed_by").first()
        if current is None:
            raise Task.DoesNotExist(f"Task {task.pk} does not exist.")
        if current.status == TaskStatus.DONE or current.claimed_by is None:
            raise ClaimRefused(f"Task {task.pk} is done: nothing to claim.")
        holder = current.claimed_by.get_username()
        raise ClaimRefused(
            f"Task {task.pk} is claimed by {holder} until {current.lease_until.isoformat()}.",
            holder=holder,
            until=current.lease_until,
        )
    task = Task.objects.get(pk=task.pk)
    return task_update(
        task=task,
        status=TaskStatus.IN_PROGRESS,
        assignees=_usernames_after(task, add=actor),
        actor=actor,
        now=now,
    )


def task_release(*, task: Task, actor, now: datetime | None = None) -> Task:
    """Give the task back: no holder, back to To Do, the holder off its assignees."""
    now = now or timezone.now()
    released = Task.objects.filter(pk=task.pk, claimed_by=actor).update(
        claimed_by=None, lease_minutes=None, lease_until=None
    )
    if not released:
        if not Task.objects.filter(pk=task.pk).exists():
            raise Task.DoesNotExist(f"Task {task.pk} does not exist.")
        raise ClaimRefused(f"You do not hold task {task.pk}: only its holder releases it.")
    return _back_to_todo(task.pk, holder_id=actor.pk, actor=actor, now=now)


def _back_to_todo(task_id: int, *, holder_id: int | None, actor, now: datetime) -> Task:
    task = Task.objects.get(pk=task_id)
    status = TaskStatus.TODO if task.status == TaskStatus.IN_PROGRESS else None
    return task_update(
        task=task,
        status=status,
        assignees=_usernames_after(task, remove_id=holder_id),
        actor=actor,
        now=now,
    )


def expire_leases(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Free the tasks whose lease passed, each back to To Do with a notification; how many.

    Each is freed by its own conditional UPDATE, so parallel sweepers (or a late renewal) never
    free a task twice or free a renewed one."""
    now = now or timezone.now()
    expired = list(
        Task.objects.filter(lease_until__lte=now)
        .order_by("lease_until")
        .values_list("pk", "claimed_by__username", "claimed_by_id")[:batch_size]
    )
    freed = 0
    for task_id, holder, holder_id in expired:
        if not Task.objects.filter(pk=task_id, lease_until__lte=now).update(
            claimed_by=None, lease_minutes=None, lease_until=None
        ):
            continue
        freed += 1
        try:
            task = _back_to_todo(task_id, holder_id=holder_id, actor=None, now=now)
        except Task.DoesNotExist:
            continue
        notification_create(
            task=task,
            message=f"The claim of {holder or 'a deleted account'} on task '{task.name}' expired: "
            "it is back in To Do.",
            notification_type=NotificationType.SYSTEM,
            now=now,
        )
    return freed


def next_lease_end() -> datetime | None:
    return (
        Task.objects.filter(lease_until__isnull=False)
        .order_by("lease_until")
        .values_list("lease_until", flat=True)
        .first()
    )
