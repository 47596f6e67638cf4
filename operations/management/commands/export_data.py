"""Write every task and notification as JSON: `manage.py export_data > backup.json`."""

import json

from django.core.management.base import BaseCommand, CommandParser

from operations.transfer import export_data


class Command(BaseCommand):
    help = "Export all tasks and notifications as one JSON document (to stdout or --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="File to write instead of standard output.")

    def handle(self, *args, output: str | None, **options) -> None:
        document = export_data()
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(
                f"Exported {len(document['tasks'])} tasks and "
                f"{len(document['notifications'])} notifications to {output}."
            )
        else:
            self.stdout.write(text)
