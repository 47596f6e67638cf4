"""`manage.py purge_archived`: delete for good the tasks archived longer than the retention.

The reminder loop does the same on every pass (reminders.watch); this is for installs that run
no loop, or to purge at once (from cron, say). The rule is tasks.services.archived_tasks_purge.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks.services import PURGE_BATCH_SIZE, archived_tasks_purge


class Command(BaseCommand):
    help = "Delete the tasks archived more than ARCHIVE_RETENTION_DAYS ago (0: keep forever)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days instead of ARCHIVE_RETENTION_DAYS (0: purge nothing).",
        )

    def handle(self, *args, days: int | None, **options) -> None:
        if days is not None and days < 0:
            raise CommandError("--days must be 0 (keep forever) or more.")
        retention = settings.ARCHIVE_RETENTION_DAYS if days is None else days
        purged, batch = 0, PURGE_BATCH_SIZE
        while batch == PURGE_BATCH_SIZE:
            batch = archived_tasks_purge(retention_days=retention)
            purged += batch
        kept = "forever" if retention == 0 else f"for {retention} day(s)"
        self.stdout.write(f"Purged {purged} archived task(s); archived tasks are kept {kept}.")
