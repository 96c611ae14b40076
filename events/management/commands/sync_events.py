"""`manage.py sync_events [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: sync from the planning
system with a progress bar on stderr and a summary on stdout. Exit 2 when sync is off or
misconfigured, 1 when the planning system fails (the run is recorded as failed)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from core.features import require_for_command
from events.planning.sync import default_interval, sync_run


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class ProgressBar:
    """A one-line bar on stderr: `events  [#######.....]  7000/10000`."""

    def __init__(self, stream: Any, *, enabled: bool, width: int = 30) -> None:
        self.stream, self.enabled, self.width = stream, enabled, width
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        if self._stage and stage != self._stage:
            self.stream.write("\n")
        self._stage = stage
        filled = int(self.width * done / total)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{stage:<10} [{bar}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
            self._stage = ""
        self.stream.flush()


class Command(BaseCommand):
    help = "Sync events and schedules from the planning system for a date interval."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="start", type=_day, help="first day (default: today - SYNC_DAYS_BACK)"
        )
        parser.add_argument(
            "--to", dest="end", type=_day, help="last day (default: today + SYNC_DAYS_AHEAD)"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        require_for_command("sync")
        default_start, default_end = default_interval()
        start = options["start"] or default_start
        end = options["end"] or default_end
        if end < start:
            raise CommandError("--to is before --from.")
        bar = ProgressBar(sys.stderr, enabled=not options["no_progress"])
        try:
            run = sync_run(start=start, end=end, trigger="command", progress=bar)
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
