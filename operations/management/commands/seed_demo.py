"""Fill the product with realistic demo data: `manage.py seed_demo --tasks 200` (operations.demo)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from operations.demo import seed_demo

# Below this a progress bar would only flash by.
_PROGRESS_BAR_FROM = 2000


class Command(BaseCommand):
    help = (
        "Add demo boards (Main and two more, one private), demo people with roles on them, and demo "
        "tasks (all three columns, some assigned) with their notifications and inbox entries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tasks", type=int, default=30, help="How many tasks to add (default 30)."
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed, for the same demo every time."
        )
        parser.add_argument(
            "--password",
            default=None,
            help="Password for the demo people this run creates, to log in as them (default: "
            "none, they cannot log in).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar, even for large counts."
        )

    def handle(
        self,
        *args,
        tasks: int,
        seed: int | None,
        password: str | None,
        no_progress: bool,
        **options,
    ) -> None:
        if tasks < 0:
            raise CommandError("--tasks must be 0 or more.")
        if password is not None and not password.strip():
            raise CommandError("--password must not be empty.")
        show_bar = tasks >= _PROGRESS_BAR_FROM and not no_progress
        self.stderr.ending = ""  # tqdm redraws its line with \r and ends it itself
        with tqdm(total=tasks, unit="task", disable=not show_bar, file=self.stderr) as bar:
            result = seed_demo(count=tasks, seed=seed, password=password, on_progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.tasks} demo tasks on {result.boards} boards, "
                f"{result.notifications} notifications ({result.inbox_entries} inbox entries) "
                f"and {result.people_created} demo people."
            )
        )
