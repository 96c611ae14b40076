"""Email notices to employees through a notification outbox.

A notice row is written in the same transaction as what it tells (a decision on a
time-off request, a published week, a change to a published week: selfservice/changes.py);
after commit a task sends the due rows through Django's email framework. A decision or
a digest carries its text from the start; a change notice is told when it is sent (what
changed since the employee was last told), and one finding nothing left to tell is
marked so instead of sent. A failed send is retried with backoff (30 s doubling to 1 h,
NOTICES_MAX_ATTEMPTS tries, then *failed*, shown in the admin with "Send again now").
A row is locked while it is sent and marked sent in the same transaction, so two workers
never send it twice. Nothing goes to an inactive employee, one without an email address,
or one who switched notices off.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import smtplib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.dates import days_range, format_day
from core.features import get_feature
from employees.models import Employee
from scheduler.models import Schedule
from scheduler.selectors import week_of
from selfservice.feeds import token_for
from selfservice.models import (
    CalendarFeed,
    EmployeePreferences,
    Notice,
    NoticeKind,
    NoticeState,
    RequestStatus,
    TimeOffRequest,
    WeekPublication,
)
from selfservice.transactions import queued, transaction_key
from selfservice.weeks import Changes, Entry, diff, entries_from_json, entries_to_json

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


def site_url(path: str = "") -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def why_not_told(employee: Employee, *, opted_out: bool) -> str:
    """Why no notice goes to this employee (a label for the pages), or ""."""
    if not employee.is_active:
        return "Not active"
    if not employee.email:
        return "No email address"
    if opted_out:
        return "Switched email notices off"
    return ""


def wants_notices(employees: list[Employee]) -> set[int]:
    """Of these employees, the ids that may be sent notices (one query)."""
    opted_out = set(
        EmployeePreferences.objects.filter(
            employee_id__in=[e.pk for e in employees], notices_enabled=False
        ).values_list("employee_id", flat=True)
    )
    return {e.pk for e in employees if e.is_active and e.email and e.pk not in opted_out}


def notices_record(rows: Sequence[tuple[Employee, str, str, str]]) -> list[Notice]:
    """Write notices (employee, kind, subject, body) for those who want them, in bulk,
    and send them after commit (one send task per transaction)."""
    allowed = wants_notices([employee for employee, *_ in rows])
    notices = [
        Notice(employee=employee, kind=kind, recipient=employee.email, subject=subject, body=body)
        for employee, kind, subject, body in rows
        if employee.pk in allowed
    ]
    if not notices:
        return []
    created = Notice.objects.bulk_create(notices)
    dispatch_after_commit()
    return created


class _Send:
    """After commit: the task that sends what is due. One per transaction: a callback
    still queued is one no rollback has removed, and undoing its savepoint would undo
    the rows it is for as well (selfservice/transactions.py)."""

    def __init__(self, key: str | None) -> None:
        self.key = key

    def __call__(self) -> None:
        from selfservice.tasks import deliver_notices

        deliver_notices.enqueue()


def dispatch_after_commit() -> None:
    """Send what is due once this transaction commits (one send per transaction)."""
    key = transaction_key()
    if not any(isinstance(func, _Send) and func.key == key for func in queued()):
        transaction.on_commit(_Send(key), robust=True)


def notice_for_decision(req: TimeOffRequest) -> list[Notice]:
    """Tell the employee what was decided on their request."""
    approved = req.status == RequestStatus.APPROVED
    subject = "Time off approved" if approved else "Time off not approved"
    body = render_to_string(
        "selfservice/email/decision.txt",
        {"request": req, "approved": approved, "link": site_url("/me/requests/")},
    )
    return notices_record([(req.employee, NoticeKind.DECISION, subject, body)])


# --- a published week ----------------------------------------------------------------


def feed_line_of(feed: CalendarFeed | None, *, masked: bool = False) -> str:
    """What a digest says about the calendar feed: the employee's own link (`masked`:
    not shown, for a manager's preview), the page to make one, or nothing while feeds
    are off."""
    if not get_feature("calendar_feeds").usable:
        return ""
    if feed is None:
        return "Subscribe to your schedule in your phone's calendar: " + site_url(
            reverse("me-calendar")
        )
    if masked:
        link = "(their own link, not shown here)"
    else:
        url = site_url(reverse("calendar-feed", kwargs={"token": token_for(feed.nonce)}))
        link = "webcal://" + url.split("://", 1)[1]
    return f"Your calendar link (your phone's calendar follows the changes): {link}"


def digest_message(
    employee: Employee, changes: Changes, *, monday: dt.date, first: bool, feed_line: str
) -> tuple[str, str]:
    """The subject and text of one employee's digest of a published week."""
    sunday = monday + dt.timedelta(days=6)
    subject = f"Your schedule for the week of {format_day(monday)}"
    body = render_to_string(
        "selfservice/email/week.txt",
        {
            "employee": employee,
            "changes": changes,
            "first": first,
            "monday": format_day(monday),
            "sunday": format_day(sunday),
            "feed_line": feed_line,
            "link": site_url(reverse("me-home")),
        },
    )
    return subject, body


# --- a change after publication (written by selfservice/changes.py) ------------------

CHANGE_SUBJECT = "Your schedule changed"
CHANGE_BODY_LATER = "(Written when it is sent: what changed since the employee was last told.)"


def latest_publications(first_monday: dt.date) -> dict[dt.date, WeekPublication]:
    """The latest publication of every published week from `first_monday` on (one query)."""
    newer = WeekPublication.objects.filter(
        week_start=OuterRef("week_start"), number__gt=OuterRef("number")
    )
    rows = WeekPublication.objects.filter(week_start__gte=first_monday).exclude(Exists(newer))
    return {p.week_start: p for p in rows.order_by("week_start")}


def change_message(notice: Notice, *, today: dt.date) -> tuple[str, dict[str, Any]] | None:
    """What a change notice tells when it is sent, and what it told (to store): for each
    published week from this one on, the employee's live schedules against what they
    were last told of it: their last change notice sent since the week's latest
    publication, else that publication. None: nothing left to tell. Three queries."""
    weeks = latest_publications(week_of(today)[0])
    if not weeks:
        return None
    last = (
        Notice.objects.filter(
            employee_id=notice.employee_id,
            kind=NoticeKind.CHANGE,
            state=NoticeState.SENT,
            told__isnull=False,
        )
        .order_by("-sent_at", "-id")
        .only("told")
        .first()
    )
    last_told: dict[str, Any] = last.told if last is not None and last.told else {}
    start, end = days_range(min(weeks), max(weeks) + dt.timedelta(days=6))
    live: dict[dt.date, list[Entry]] = defaultdict(list)
    for schedule in (
        Schedule.objects.live()
        .filter(employee_id=notice.employee_id, start__gte=start, start__lt=end)
        .select_related("event", "employee")
        .order_by("start", "id")
    ):
        entry = Entry.of(schedule)
        live[week_of(entry.day)[0]].append(entry)
    told: dict[str, Any] = {}
    changed: list[tuple[str, Changes]] = []
    for monday, publication in weeks.items():
        key = monday.isoformat()
        told[key] = {"publication": publication.pk, "entries": entries_to_json(live[monday])}
        earlier = last_told.get(key)
        if earlier is not None and earlier.get("publication") == publication.pk:
            before = entries_from_json(earlier["entries"])
        else:
            before = [
                e
                for e in entries_from_json(publication.snapshot)
                if e.employee_id == notice.employee_id
            ]
        changes = diff(before, live[monday]).get(notice.employee_id)
        if changes is not None and changes.changed:
            changed.append((format_day(monday), changes))
    if not changed:
        return None
    body = render_to_string(
        "selfservice/email/change.txt",
        {
            "employee": notice.employee,
            "weeks": changed,
            "link": site_url(reverse("me-home")),
        },
    )
    return body, told


# --- delivery ------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """Exponential with full jitter, capped: 30 s, 1 min, 2 min … 1 h."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311


def notice_deliver(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due pending notice, oldest first; returns counts by outcome."""
    now = now or timezone.now()
    counts = {"sent": 0, "skipped": 0, "retry": 0, "failed": 0, "waiting": 0}
    ids = list(
        Notice.objects.filter(state=NoticeState.PENDING, next_attempt_at__lte=now)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        counts[_deliver_one(pk)] += 1
    return counts


def _deliver_one(pk: int) -> str:
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("employee")
            .filter(pk=pk, state=NoticeState.PENDING)
            .first()
        )
        if notice is None:
            return "waiting"  # sent or claimed by another worker meanwhile
        told = None
        if notice.kind == NoticeKind.CHANGE:
            if Notice.objects.filter(
                employee_id=notice.employee_id,
                kind=NoticeKind.CHANGE,
                state=NoticeState.PENDING,
                pk__lt=notice.pk,
            ).exists():
                # One employee's change notices go in order: the earlier one (being sent,
                # or waiting to be retried) tells what this one would, then this one
                # tells what is left, so two workers never tell the same change twice.
                return "waiting"
            message = change_message(notice, today=timezone.localdate())
            if message is None:
                notice.state = NoticeState.SKIPPED
                notice.save(update_fields=["state"])
                return "skipped"
            notice.body, told = message
        notice.attempts += 1
        try:
            send_mail(notice.subject, notice.body, None, [notice.recipient])
        except (smtplib.SMTPException, OSError) as exc:
            notice.last_error = f"{type(exc).__name__}: the mail server refused or was unreachable."
            if notice.attempts >= settings.NOTICES_MAX_ATTEMPTS:
                notice.state = NoticeState.FAILED
                outcome = "failed"
            else:
                notice.next_attempt_at = timezone.now() + backoff(notice.attempts)
                outcome = "retry"
            notice.save()
            logger.warning("Notice %s attempt %d failed: %s", pk, notice.attempts, exc)
            return outcome
        notice.state = NoticeState.SENT
        notice.sent_at = timezone.now()
        notice.last_error = ""
        notice.told = told
        notice.save()
        return "sent"


@transaction.atomic
def notice_retry(*, notice: Notice) -> Notice:
    """Put a failed or waiting notice back in the queue, due now (admin action)."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.state in (NoticeState.SENT, NoticeState.SKIPPED):
        return notice
    notice.state = NoticeState.PENDING
    notice.next_attempt_at = timezone.now()
    notice.save(update_fields=["state", "next_attempt_at"])
    dispatch_after_commit()
    return notice
