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
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class EntryFacts:
    """Everything one VEVENT says: the key of its kept bytes (the content itself, so a
    kept entry can never be out of date)."""

    schedule_id: int
    updated_at: dt.datetime
    sequence: int
    start: dt.datetime
    end: dt.datetime
    title: str
    store: str
    description: str
    url: str


def entry_facts(schedule: Schedule, *, team: bool) -> EntryFacts:
    event = schedule.event
    local_start = timezone.localtime(schedule.start)
    title = f"{event.get_event_type_display()}: {event.project_name}"
    if team:
        title = f"{schedule.employee.name} · {title}"
    store = f"Store {event.store_number}"
    if event.store_name:
        store = f"{store} {event.store_name}"
    lines = [
        f"{event.get_event_type_display()} at {store}",
        f"Starts {local_start:%a %d %b %Y %H:%M} store time",
        f"Event #{event.project_ref_num}",
    ]
    if event.sales_tool_url:
        lines.append(f"Sales tool: {event.sales_tool_url}")
    return EntryFacts(
        schedule_id=schedule.pk,
        updated_at=schedule.updated_at,
        sequence=sequence_of(schedule),
        start=schedule.start,
        end=schedule.end,
        title=title,
        store=store,
        description="\n".join(lines),
        url=event.sales_tool_url,
    )


@lru_cache(maxsize=20_000)
def entry_ical(facts: EntryFacts) -> bytes:
    """One VEVENT as icalendar writes it, kept per content: a feed rebuilt after one
    change writes one entry anew, not a hundred (icalendar spends ~0.15 ms an entry)."""
    vevent = icalendar.Event()
    vevent.add("uid", schedule_uid(facts.schedule_id))
    vevent.add("dtstamp", _utc(facts.updated_at))
    vevent.add("last-modified", _utc(facts.updated_at))
    vevent.add("sequence", facts.sequence)
    vevent.add("dtstart", _utc(facts.start))
    vevent.add("dtend", _utc(facts.end))
    vevent.add("summary", facts.title)
    vevent.add("location", facts.store)
    if facts.url:
        vevent.add("url", facts.url)
    vevent.add("description", facts.description)
    return bytes(vevent.to_ical())


def build_calendar(*, name: str, schedules: Iterable[Schedule], team: bool) -> bytes:
    """One VEVENT per schedule, times in UTC. `team`: each title names the employee."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    head = bytes(cal.to_ical())
    end = b"END:VCALENDAR\r\n"
    if not head.endswith(end):  # pragma: no cover - icalendar always ends it so
        raise RuntimeError("Unexpected calendar framing from icalendar.")
    entries = b"".join(entry_ical(entry_facts(s, team=team)) for s in schedules)
    return head[: -len(end)] + entries + end


def etag_of(fingerprint: str) -> str:
    """The feed's ETag: its content fingerprint (`selectors.feed_fingerprint`) hashed."""
    return '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'
