"""The inbox with repeats grouped: a task's reminders read as one row ("Nightly backup is still in
progress: 10 reminders, last 2 min ago") instead of ten. Other notifications stay one row each.

Reads only, over the inbox querysets of notifications.selectors (so with the same filters and
boards): one GROUP BY query per page (and one COUNT for the pager), then one query for the latest
notification of each group on the page, whatever the number of rows grouped.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BigIntegerField, Case, Count, F, Max, Min, Q, QuerySet, Value, When

from notifications.models import Acknowledgement, InboxEntry, Notification, NotificationType


@dataclass
class NotificationGroup:
    """A run of one task's reminders (or a single notification), shown by its latest."""

    notification: Notification
    count: int
    unread_count: int
    first_created_at: datetime
    # The latest acknowledgement of the latest notification, if any (who is on it).
    acknowledgement: Acknowledgement | None = None

    @property
    def is_read(self) -> bool:
        return self.unread_count == 0

    @property
    def summary(self) -> str:
        notification = self.notification
        if self.count > 1 and notification.notification_type == NotificationType.REMINDER:
            return f"{notification.task_name} is still in progress: {self.count} reminders"
        return notification.message


def _series(prefix: str) -> Case:
    """The group of a row: its task's id for a reminder of a task, else minus its notification's
    id (a group of its own; ids are positive, so the two never meet)."""
    return Case(
        When(
            Q(
                **{
                    f"{prefix}notification_type": NotificationType.REMINDER,
                    f"{prefix}task_id__isnull": False,
                }
            ),
            then=F(f"{prefix}task_id"),
        ),
        default=Value(0) - F(f"{prefix}id"),
        output_field=BigIntegerField(),
    )


class GroupedInbox:
    """An inbox queryset (InboxEntry or shared Notification rows) read as NotificationGroups,
    newest group first: count() and slices go to the database (what paginators need)."""

    def __init__(self, queryset: QuerySet) -> None:
        self.own = queryset.model is InboxEntry
        prefix = "notification__" if self.own else ""
        unread = Q(read_at__isnull=True) if self.own else Q(is_read=False)
        self.groups = (
            queryset.order_by()
            .annotate(series=_series(prefix))
            .values("series")
            .annotate(
                latest=Max(f"{prefix}id"),
                count=Count("id"),
                unread_count=Count("id", filter=unread),
                first_created_at=Min("created_at"),
                last_created_at=Max("created_at"),
            )
            .order_by("-last_created_at", "-latest")
        )

    def count(self) -> int:
        return self.groups.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[NotificationGroup]:
        rows = list(self.groups[index])
        if not rows:
            return []
        ids = [row["latest"] for row in rows]
        notifications = Notification.objects.select_related("board").in_bulk(ids)
        acknowledgements: dict[int, Acknowledgement] = {}
        for acknowledgement in Acknowledgement.objects.filter(notification_id__in=ids).order_by(
            "notification_id", "-at", "-id"
        ):
            acknowledgements.setdefault(acknowledgement.notification_id, acknowledgement)
        return [
            NotificationGroup(
                notification=notifications[row["latest"]],
                count=row["count"],
                unread_count=row["unread_count"],
                first_created_at=row["first_created_at"],
                acknowledgement=acknowledgements.get(row["latest"]),
            )
            for row in rows
            if row["latest"] in notifications
        ]
