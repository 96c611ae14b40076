"""`manage.py deliver_pushes`: send the due rows of the push outbox (run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.features import require_for_command
from planning.push import push_deliver


class Command(BaseCommand):
    help = "Send pending schedule changes to the planning system (retries failed ones)."

    def handle(self, *args: Any, **options: Any) -> None:
        require_for_command("sync")
        counts = push_deliver()
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
