"""Calendar feeds: link tokens and the iCalendar document (RFC 5545, via `icalendar`).

A link token is derived from the feed's random nonce with CALENDAR_FEEDS_SECRET (HMAC);
the database keeps the nonce and a second keyed hash of the token, so neither a copy of
the database nor of the secret alone gives anybody's link. Changing the secret ends every
link (each person makes a new one from /me/calendar/).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone

from core.dates import days_range
from core.features import require
from scheduler.models import Schedule

PRODID = "-//Event Scheduler//Schedules//EN"
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 90


def _secret() -> bytes:
    require("calendar_feeds")
    return str(settings.CALENDAR_FEEDS_SECRET).encode()


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def token_for(nonce: str) -> str:
    """The link token of a feed (URL-safe, 43 characters)."""
    digest = hmac.new(_secret(), b"calendar-feed-token:" + nonce.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """What is stored to find a feed by its token (keyed, so a guess needs the secret)."""
    return hmac.new(
        _secret(), b"calendar-feed-lookup:" + token.encode(), hashlib.sha256
    ).hexdigest()


def feed_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The schedules a feed carries: those starting from the store-local day 30 days
    back to the end of the day 90 days ahead (whole days: the window moves once a day)."""
    today = timezone.localdate(now)
    return days_range(
        today - dt.timedelta(days=FEED_DAYS_BACK), today + dt.timedelta(days=FEED_DAYS_AHEAD)
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def schedule_uid(schedule_id: int) -> str:
    """Stable per schedule: a move or a reassignment updates the same calendar entry."""
    return f"schedule-{schedule_id}@event-scheduler"


def sequence_of(schedule: Schedule) -> int:
    """Grows with every change of the row: seconds from its creation to its last change."""
    return max(0, int((schedule.updated_at - schedule.created_at).total_seconds()))


def build_calendar(*, name: str, schedules: Iterable[Schedule], team: bool) -> bytes:
    """One VEVENT per schedule, times in UTC. `team`: each title names the employee."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for schedule in schedules:
        event = schedule.event
        local_start = timezone.localtime(schedule.start)
        title = f"{event.get_event_type_display()}: {event.project_name}"
        if team:
            title = f"{schedule.employee.name} · {title}"
        vevent = icalendar.Event()
        vevent.add("uid", schedule_uid(schedule.pk))
        vevent.add("dtstamp", _utc(schedule.updated_at))
        vevent.add("last-modified", _utc(schedule.updated_at))
        vevent.add("sequence", sequence_of(schedule))
        vevent.add("dtstart", _utc(schedule.start))
        vevent.add("dtend", _utc(schedule.end))
        vevent.add("summary", title)
        store = f"Store {event.store_number}"
        if event.store_name:
            store = f"{store} {event.store_name}"
        vevent.add("location", store)
        lines = [
            f"{event.get_event_type_display()} at {store}",
            f"Starts {local_start:%a %d %b %Y %H:%M} store time",
            f"Event #{event.project_ref_num}",
        ]
        if event.sales_tool_url:
            lines.append(f"Sales tool: {event.sales_tool_url}")
            vevent.add("url", event.sales_tool_url)
        vevent.add("description", "\n".join(lines))
        cal.add_component(vevent)
    return bytes(cal.to_ical())


def etag_of(fingerprint: str) -> str:
    """The feed's ETag: its content fingerprint (`selectors.feed_fingerprint`) hashed."""
    return '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'
