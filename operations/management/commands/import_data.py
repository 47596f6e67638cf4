"""Load an export_data document into an empty database: `manage.py import_data backup.json`."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.transfer import ImportRefused, import_data, summary


class Command(BaseCommand):
    help = (
        "Import tasks and notifications from an export_data JSON file ('-' for standard input) into "
        "a database that has none. All or nothing; ids are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The export file, or - for standard input.")

    def handle(self, *args, path: str, **options) -> None:
        try:
            if path == "-":
                document = json.load(sys.stdin)
            else:
                with open(path, encoding="utf-8") as file:
                    document = json.load(file)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        try:
            counts = import_data(document=document)
        except ImportRefused as error:
            raise CommandError(f"nothing imported: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {summary(counts)}."))
