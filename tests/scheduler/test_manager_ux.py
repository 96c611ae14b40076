"""What a manager reads: one window on every page, labels not rule codes, the past."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from core.dates import format_window, window_last_day
from events.models import Event
from tests.events.factories import EventFactory, store_local

pytestmark = pytest.mark.django_db

WINDOW = "Fri 4 Dec \N{EN DASH} Mon 7 Dec"


@pytest.fixture
def due_tuesday() -> Event:
    """Event 852944 of the report: window opens Fri 4 Dec, due Tue 8 Dec 00:00."""
    return EventFactory.create(
        project_ref_num=852944,
        start_datetime=store_local(2026, 12, 4),
        due_datetime=store_local(2026, 12, 8),
    )


def test_the_window_is_the_days_a_start_is_allowed_on() -> None:
    assert window_last_day(store_local(2026, 12, 8)) == dt.date(2026, 12, 7)
    assert window_last_day(store_local(2026, 12, 8, 0, 1)) == dt.date(2026, 12, 8)
    assert format_window(store_local(2026, 12, 4), store_local(2026, 12, 8)) == WINDOW
    assert format_window(store_local(2026, 12, 4), store_local(2026, 12, 5)) == "Fri 4 Dec"
    assert (
        format_window(store_local(2026, 12, 30), store_local(2027, 1, 2))
        == "Wed 30 Dec \N{EN DASH} Fri 1 Jan 2027"
    )


@pytest.mark.parametrize("url", ["/events/", "/events/{pk}/", "/admin/events/event/"])
def test_every_page_writes_the_same_window(
    staff_client: Client, due_tuesday: Event, url: str
) -> None:
    page = staff_client.get(url.format(pk=due_tuesday.pk)).content.decode()
    assert WINDOW in page
    assert "Tue 8 Dec" not in page
