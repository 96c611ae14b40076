"""What the sign-in and lockout pages tell a person: attempts left, when to try again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from tests.sessions_ext.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 14, 19, 0, tzinfo=dt.UTC)  # 14:00 in the store


def test_sign_in_says_how_many_attempts_are_left_then_when_to_try_again() -> None:
    user = UserFactory.create()
    client = Client(REMOTE_ADDR="203.0.113.7")
    limit = settings.AXES_FAILURE_LIMIT
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    with time_machine.travel(START, tick=False):
        for attempt in range(1, limit):
            page = client.post(
                "/accounts/login/", {"username": user.username, "password": "wrong"}
            ).content.decode()
            left = limit - attempt
            assert (
                f"{left} attempt{'s' if left > 1 else ''} left before signing in is locked "
                f"for {minutes} minutes." in page
            )
        locked = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert locked.status_code == 429
    until = (START + settings.AXES_COOLOFF_TIME).astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert (
        f"You can sign in again after {until:%H:%M} (store time, Mon 14 Dec)."
        in locked.content.decode()
    )


def test_a_first_visit_says_nothing_about_attempts() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "attempt" not in page
