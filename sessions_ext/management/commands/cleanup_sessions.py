from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.authentication import tokens_delete_expired
from core.cleanup import registered_cleanups
from sessions_ext.services import DEFAULT_BATCH_SIZE, sessions_delete_expired


class Command(BaseCommand):
    help = (
        "Delete expired sessions in batches (one short statement each, no long table lock), "
        "expired API tokens, and what other apps registered (e.g. abandoned CSV import "
        "previews). Run it from cron or a worker, e.g. every 15 minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count expired sessions, delete nothing"
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"rows per DELETE statement (default {DEFAULT_BATCH_SIZE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        count = sessions_delete_expired(
            batch_size=options["batch_size"], dry_run=options["dry_run"]
        )
        noun = "session" if count == 1 else "sessions"
        if options["dry_run"]:
            self.stdout.write(f"{count} expired {noun} would be deleted (dry run).")
        else:
            self.stdout.write(self.style.SUCCESS(f"Deleted {count} expired {noun}."))
            tokens = tokens_delete_expired()
            if tokens:
                self.stdout.write(
                    f"Deleted {tokens} expired API token{'s' if tokens != 1 else ''}."
                )
        now = timezone.now()
        for cleanup in registered_cleanups():  # said only when there was something
            if options["dry_run"]:
                if count := cleanup.count(now):
                    self.stdout.write(f"{count} {cleanup.label} would be deleted.")
            elif count := cleanup.delete(now):
                self.stdout.write(f"Deleted {count} {cleanup.label}.")
