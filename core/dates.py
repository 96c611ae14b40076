"""Store-local calendar days as aware datetime ranges (the store's zone is TIME_ZONE)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
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


# --- The accepted range ------------------------------------------------------------------
# Every date and date-time the application takes in to store or schedule from (the API's
# bodies and `start` parameters, the pages' forms and day addresses, the planning
# system's CSV) must fall on a store-local day of the years 2000 to 2100. Far enough for
# any real event, and far from the ends of the calendar, where adding a duration or a
# day to a date overflows. List filters' `date_from`/`date_to` are bounds, not values,
# and take any date (`bound_from`/`bound_until`).

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
OUT_OF_RANGE_MESSAGE = (
    f"Must be a day from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()} (store time)."
)


def in_range(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def validate_day(value: dt.date) -> None:
    """Django/DRF validator: `value` (a date, or a date-time's store-local day) is in range.

    Raises django.core.exceptions.ValidationError with code `out_of_range`; DRF fields
    and Django forms both accept it as a validator.
    """
    if isinstance(value, dt.datetime):
        try:
            day = local_date(value) if timezone.is_aware(value) else value.date()
        except OverflowError:
            day = dt.date.max if value.year > 1 else dt.date.min
    else:
        day = value
    if not in_range(day):
        raise ValidationError(OUT_OF_RANGE_MESSAGE, code="out_of_range")


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
