"""`manage.py seed_demo`: demo data for a believable club, safe to run again."""

from __future__ import annotations

import os
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.management.cli import iso_date
from demo.seed import ADMIN_USERNAME, SeedReport, seed_demo
from employees.models import Employee

ADMIN_URL = "http://127.0.0.1:8000/admin/"
PASSWORD_ENV = "DEMO_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a password


def _bounded(low: int, high: int) -> Any:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ArgumentTypeError(f"{value!r} is not a whole number") from None
        if not low <= number <= high:
            raise ArgumentTypeError(f"must be between {low} and {high}, not {number}")
        return number

    return parse


class Command(BaseCommand):
    help = (
        "Create demo employees, availability, rotations, holidays, events and some "
        "schedules that break no hard rule, plus an `admin` staff login. Creates only "
        "what is missing: running it again changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--employees", type=_bounded(4, 500), default=24, help="how many (default 24)"
        )
        parser.add_argument(
            "--weeks", type=_bounded(1, 12), default=4, help="weeks of events (default 4)"
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="random seed; same seed and day, same data"
        )
        parser.add_argument(
            "--today", type=iso_date, help="the day to seed from (default: today in the store)"
        )
        parser.add_argument(
            "--password",
            help=f"set the admin password (also on an existing user); else ${PASSWORD_ENV} "
            "for a new user, else a generated one",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when any employee exists (what `make run` uses)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Employee.objects.exists():
            self.stdout.write("Employees already exist: nothing seeded (--if-empty).")
            return
        if options["password"] == "":
            raise CommandError("--password must not be empty.")
        today = options["today"] or timezone.localdate()
        report = seed_demo(
            seed=options["seed"],
            today=today,
            employees=options["employees"],
            weeks=options["weeks"],
            password=options["password"],
            default_password=os.environ.get(PASSWORD_ENV) or None,
        )
        self._print(report, password_given=bool(options["password"]))

    def _print(self, report: SeedReport, *, password_given: bool) -> None:
        out = self.stdout
        out.write(f"Demo data from {report.today:%Y-%m-%d} (seed {report.seed}):")
        width = max(len(name) for name in report.tallies)
        for name, tally in report.tallies.items():
            out.write(
                f"  {name:<{width}}  {tally.created:>5} created  {tally.existing:>5} existing"
            )
        out.write(f"  {report.events_unscheduled} demo events are left unscheduled.")
        out.write("")
        out.write(f"Sign in at {ADMIN_URL} as {ADMIN_USERNAME!r}")
        if report.generated_password:
            out.write(self.style.SUCCESS(f"  password: {report.generated_password}"))
            out.write("  (generated now and shown only once; rerun with --password to change it)")
        elif report.password_set:
            source = "--password" if password_given else f"${PASSWORD_ENV}"
            out.write(f"  password: the one given by {source}")
        else:
            out.write("  password: unchanged (pass --password to set a new one)")
