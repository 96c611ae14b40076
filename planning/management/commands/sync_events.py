"""`manage.py sync_events [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: sync from the planning
system with a progress bar on stderr and a summary on stdout. Exit 2 when sync is off or
misconfigured, 1 when the planning system fails (the run is recorded as failed)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from core.features import require_for_command
from core.management.cli import ProgressBar, iso_date
from planning.outcome import no_progress
from planning.sync import default_interval, sync_run


class Command(BaseCommand):
    help = "Sync events and schedules from the planning system for a date interval."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="start",
            type=iso_date,
            help="first day (default: today - SYNC_DAYS_BACK)",
        )
        parser.add_argument(
            "--to", dest="end", type=iso_date, help="last day (default: today + SYNC_DAYS_AHEAD)"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        require_for_command("sync")
        default_start, default_end = default_interval()
        start = options["start"] or default_start
        end = options["end"] or default_end
        if end < start:
            raise CommandError("--to is before --from.")
        progress = no_progress
        if not options["no_progress"]:
            bar = ProgressBar(sys.stderr)
            progress = lambda stage, done, total: bar(done, total, stage=stage)  # noqa: E731
        try:
            run = sync_run(start=start, end=end, trigger="command", progress=progress)
        except ApplicationError as exc:
            raise CommandError(f"Sync failed: {exc.detail}") from None
        self.stdout.write(
            f"Sync {start}..{end}: fetched {run.fetched}, created {run.created}, "
            f"updated {run.updated}, unchanged {run.unchanged}, skipped {run.skipped}, "
            f"conflicts {run.conflicts}, schedules imported {run.schedules_imported}, "
            f"marked missing {run.marked_missing} (run {run.pk})."
        )
        for error in run.errors[:50]:
            self.stdout.write(f"  record {error['row']} (ref {error['ref']}): {error['reason']}")
        if len(run.errors) > 50:
            self.stdout.write(f"  … and {len(run.errors) - 50} more (see the run in the admin).")
