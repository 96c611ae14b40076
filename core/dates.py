"""Store-local calendar days as aware datetime ranges (the store's zone is TIME_ZONE)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the store's time zone, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def bound_from(day: dt.date) -> dt.datetime | None:
    """Where "on `day` or later" begins: `day_start(day)`; None (no bound) from `date.min`.

    Nothing lies before the first representable day, and its midnight in a zone east
    of UTC is not representable in UTC at all.
    """
    return None if day == dt.date.min else day_start(day)


def bound_until(day: dt.date) -> dt.datetime | None:
    """Where "on `day` or earlier" ends: the next day's start; None (no bound) at `date.max`."""
    return None if day == dt.date.max else day_start(day + dt.timedelta(days=1))


def days_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) in store time: the days first..last."""
    return day_start(first), day_start(last + dt.timedelta(days=1))


def local_date(moment: dt.datetime) -> dt.date:
    """The store-local calendar date of an aware datetime."""
    return timezone.localtime(moment).date()


def iso_local(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """As DRF's DateTimeField writes it: current (store) zone, ISO 8601, UTC as Z.

    A list passes `tz` (`timezone.get_current_timezone()`, looked up once): the lookup
    per value costs more than the conversion.
    """
    text = (moment.astimezone(tz) if tz is not None else timezone.localtime(moment)).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
