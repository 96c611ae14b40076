"""Send the email notices waiting in the notification outbox (run it from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from selfservice.notices import notice_deliver


class Command(BaseCommand):
    help = "Send the due email notices of the notification outbox."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = notice_deliver()
        self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))
