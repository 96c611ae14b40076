"""`manage.py auto_schedule --from DATE --to DATE [--approve]`: a run from a terminal.

The run is computed in this process (the same service the background task calls), with
a progress bar on stderr; `--approve` applies its proposals through the scheduling
services, like a manager pressing "Approve all". Needs AUTO_SCHEDULER_ENABLED=true.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.exceptions import ApplicationError
from core.features import require_for_command
from core.management.cli import ProgressBar, iso_date
from scheduler.auto_services import (
    auto_run_approve,
    auto_run_execute,
    auto_run_start,
    default_horizon,
)
from scheduler.models import AutoRunStatus


class Command(BaseCommand):
    help = "Propose schedules for unscheduled events between two days (and optionally approve)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="first", type=iso_date, help="First day (default today)."
        )
        parser.add_argument(
            "--to", dest="last", type=iso_date, help="Last day (default today + the horizon)."
        )
        parser.add_argument(
            "--approve", action="store_true", help="Apply the proposals once computed."
        )
        parser.add_argument("--quiet-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        require_for_command("auto_scheduler")
        first, last = default_horizon()
        first = options["first"] or first
        last = options["last"] or last
        bar = None if options["quiet_progress"] else ProgressBar(sys.stderr, unit="events")
        try:
            run = auto_run_start(first_day=first, last_day=last, enqueue=False)
            run = auto_run_execute(run_id=run.pk, on_progress=bar)
        except ApplicationError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(
            f"Run #{run.pk} {run.first_day}..{run.last_day} (nothing before "
            f"{run.earliest_day}): {run.placed_count} proposed, {run.unplaced_count} could "
            f"not be placed, in {run.seconds or 0:.2f} s."
        )
        if run.optimality_line:
            self.stdout.write(run.optimality_line)
        if options["approve"] and run.status == AutoRunStatus.PROPOSED:
            outcomes = auto_run_approve(run=run)
            applied = sum(1 for o in outcomes if o.applied)
            self.stdout.write(f"Approved: {applied} applied, {len(outcomes) - applied} refused.")
            for o in outcomes:
                if not o.applied:
                    self.stdout.write(f"  refused {o.proposal.event.project_name}: {o.message}")
        elif run.status == AutoRunStatus.APPROVED:
            self.stdout.write(
                f"Applied without review (approval not required): {run.applied_count} applied, "
                f"{run.refused_count} refused."
            )
        else:
            self.stdout.write(f"Review it at /auto/{run.pk}/ ({timezone.localtime():%H:%M}).")
