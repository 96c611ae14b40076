from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from knox.models import AuthToken


class Command(BaseCommand):
    help = (
        "Create an API token for a user, for scripts: send it as "
        "'Authorization: Token <token>'. It is stored hashed and shown only once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--days", type=int, help="days until it expires (default: API_TOKEN_TTL_DAYS)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: options["username"]})
        except User.DoesNotExist:
            raise CommandError(f"No user {options['username']!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {options['username']!r} is inactive.")
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expiry = dt.timedelta(days=days) if days is not None else None
        instance, token = (
            AuthToken.objects.create(user=user, expiry=expiry)
            if expiry
            else AuthToken.objects.create(user=user)
        )
        self.stdout.write(token)
        self.stderr.write(
            f"Token for {user.get_username()} expires {instance.expiry:%Y-%m-%d %H:%M}."
        )
