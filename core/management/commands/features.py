from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.features import FEATURES, require_for_command, status_rows


class Command(BaseCommand):
    help = (
        "List the optional features: on or off, and whether their configuration is "
        "complete (variable names only, never values). With --require NAME, exit "
        "non-zero unless that feature is on and configured (for start-up scripts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--require",
            action="append",
            default=[],
            choices=sorted(FEATURES),
            metavar="NAME",
            help=f"fail unless this feature is usable; one of: {', '.join(sorted(FEATURES))}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        width = max(len(f.label) for f in FEATURES.values())
        for row in status_rows():
            state = "on " if row["enabled"] else "off"
            if row["enabled"] and row["missing"]:
                config = self.style.ERROR(f"missing {', '.join(row['missing'])}")
            elif row["configured"]:
                config = self.style.SUCCESS("configured")
            else:
                config = "not configured"
            self.stdout.write(f"{row['label']:<{width}}  {state}  {row['flag']:<24} {config}")
        for name in options["require"]:
            require_for_command(name)
