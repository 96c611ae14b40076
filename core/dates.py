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


def iso_local(moment: dt.datetime) -> str:
    """As DRF's DateTimeField writes it: current (store) zone, ISO 8601, UTC as Z."""
    text = timezone.localtime(moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# --- how dates and windows are written for people (pages, messages, PDFs, the admin) ---

DAY_FORMAT = "%a %-d %b"  # Fri 4 Dec
TIME_FORMAT = "%H:%M"  # the store's 24-hour clock


def window_last_day(due: dt.datetime) -> dt.date:
    """The last store-local day a start is allowed on: the due time is exclusive, so an
    event due Tue 8 Dec 00:00 must start on Mon 7 Dec at the latest."""
    return local_date(due - dt.timedelta(microseconds=1))


def format_day(day: dt.date) -> str:
    """`Fri 4 Dec`; the year too when it is not the current one (`Fri 1 Jan 2027`)."""
    text = day.strftime(DAY_FORMAT)
    return text if day.year == timezone.localdate().year else f"{text} {day.year}"


def format_moment(moment: dt.datetime) -> str:
    """`Fri 4 Dec 10:45` in store time."""
    local = timezone.localtime(moment)
    return f"{format_day(local.date())} {local:{TIME_FORMAT}}"


def format_window(start: dt.datetime, due: dt.datetime) -> str:
    """An event's window as the days a start is allowed on: `Fri 4 Dec to Mon 7 Dec` (en dash)
    (one day: `Fri 4 Dec`). Every page, print sheet, PDF and the admin use this."""
    first, last = local_date(start), window_last_day(due)
    if last <= first:
        return format_day(first)
    return f"{format_day(first)} \N{EN DASH} {format_day(last)}"
