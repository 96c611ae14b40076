"""`manage.py export_schedules_csv --from YYYY-MM-DD --to YYYY-MM-DD [-o FILE]`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.management.cli import iso_date
from planning.csv_io import export_rows, write_csv


class Command(BaseCommand):
    help = "Export the live schedules of a date range as CSV (the planning system's columns)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=iso_date, required=True)
        parser.add_argument("--to", dest="end", type=iso_date, required=True)
        parser.add_argument("-o", "--output", type=Path, help="file (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["end"] < options["start"]:
            raise CommandError("--to is before --from.")
        rows = export_rows(first=options["start"], last=options["end"])
        if options["output"]:
            with options["output"].open("w", newline="", encoding="utf-8") as out:
                write_csv(rows, out)
        else:
            buffer = io.StringIO()
            write_csv(rows, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
