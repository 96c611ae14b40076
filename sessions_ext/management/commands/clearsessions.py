from typing import Any

from django.core.management.base import BaseCommand

from sessions_ext.services import sessions_delete_expired


class Command(BaseCommand):
    help = (
        "Django's clearsessions, kept working now that sessions_ext replaces "
        "django.contrib.sessions: deletes expired sessions (in batches)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sessions_delete_expired()
