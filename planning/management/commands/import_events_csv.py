"""`manage.py import_events_csv FILE [--dry-run]`: import a planning-system CSV export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from planning.csv_io import csv_import


class Command(BaseCommand):
    help = "Import events (and their schedules) from a planning-system CSV export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            outcome, run = csv_import(data=data, dry_run=options["dry_run"], trigger="command")
        except ApplicationError as exc:
            raise CommandError(exc.detail) from None
        counts = outcome.counts()
        prefix = (
            "Dry run (nothing written)"
            if options["dry_run"]
            else f"Imported (run {run.pk if run else '-'})"
        )
        self.stdout.write(
            f"{prefix}: rows {counts['fetched']}, created {counts['created']}, "
            f"updated {counts['updated']}, unchanged {counts['unchanged']}, "
            f"skipped {counts['skipped']}, conflicts {counts['conflicts']}, "
            f"schedules imported {counts['schedules_imported']}."
        )
        for error in outcome.errors:
            self.stdout.write(f"  line {error.row} (ref {error.ref or '-'}): {error.reason}")
