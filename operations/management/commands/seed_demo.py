"""Fill the board with realistic demo tasks and notifications: `manage.py seed_demo --tasks 200`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from operations.demo import seed_demo

# Below this a progress bar would only flash by.
_PROGRESS_BAR_FROM = 2000


class Command(BaseCommand):
    help = (
        "Add demo tasks (all three columns) and their notifications, for a first look at the board."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tasks", type=int, default=30, help="How many tasks to add (default 30)."
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed, for the same demo every time."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar, even for large counts."
        )

    def handle(self, *args, tasks: int, seed: int | None, no_progress: bool, **options) -> None:
        if tasks < 0:
            raise CommandError("--tasks must be 0 or more.")
        show_bar = tasks >= _PROGRESS_BAR_FROM and not no_progress
        self.stderr.ending = ""  # tqdm redraws its line with \r and ends it itself
        with tqdm(total=tasks, unit="task", disable=not show_bar, file=self.stderr) as bar:
            result = seed_demo(count=tasks, seed=seed, on_progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.tasks} demo tasks and {result.notifications} notifications."
            )
        )
