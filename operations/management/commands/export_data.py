"""Write every task and notification as JSON: `manage.py export_data > backup.json`."""

from django.core.management.base import BaseCommand, CommandParser

from operations.transfer import export_data, summary


class Command(BaseCommand):
    help = (
        "Export all tasks and notifications as one JSON document (Django's serialization format, "
        "times to the microsecond) to stdout or --output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="File to write instead of standard output.")

    def handle(self, *args, output: str | None, **options) -> None:
        if not output:
            self.stdout.ending = None  # the serializer writes in pieces; add no newline after each
            export_data(stream=self.stdout)
            self.stdout.write("\n")
            return
        with open(output, "w", encoding="utf-8") as file:
            counts = export_data(stream=file)
            file.write("\n")
        self.stderr.write(f"Exported {summary(counts)} to {output}.")
