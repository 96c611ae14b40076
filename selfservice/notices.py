"""Email notices to employees through a notification outbox.

A notice row is written in the same transaction as what it tells (a decision on a
time-off request, a published week); after commit a task sends the due rows through
Django's email framework. A failed send is retried with backoff (30 s doubling to 1 h,
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

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from employees.models import Employee
from selfservice.models import (
    EmployeePreferences,
    Notice,
    NoticeKind,
    NoticeState,
    RequestStatus,
    TimeOffRequest,
)

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


def site_url(path: str = "") -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def wants_notices(employees: list[Employee]) -> set[int]:
    """Of these employees, the ids that may be sent notices (one query)."""
    opted_out = set(
        EmployeePreferences.objects.filter(
            employee_id__in=[e.pk for e in employees], notices_enabled=False
        ).values_list("employee_id", flat=True)
    )
    return {e.pk for e in employees if e.is_active and e.email and e.pk not in opted_out}


def notices_record(rows: list[tuple[Employee, str, str, str]]) -> list[Notice]:
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
    if not _dispatch_pending():
        transaction.on_commit(_dispatch, robust=True)
    return created


def _dispatch_pending() -> bool:
    queued = getattr(transaction.get_connection(), "run_on_commit", [])
    return any(func is _dispatch for _, func, *_ in queued)


def _dispatch() -> None:
    from selfservice.tasks import deliver_notices

    deliver_notices.enqueue()


def notice_for_decision(req: TimeOffRequest) -> list[Notice]:
    """Tell the employee what was decided on their request."""
    approved = req.status == RequestStatus.APPROVED
    subject = "Time off approved" if approved else "Time off not approved"
    body = render_to_string(
        "selfservice/email/decision.txt",
        {"request": req, "approved": approved, "link": site_url("/me/requests/")},
    )
    return notices_record([(req.employee, NoticeKind.DECISION, subject, body)])


# --- delivery ------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """Exponential with full jitter, capped: 30 s, 1 min, 2 min … 1 h."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311


def notice_deliver(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due pending notice, oldest first; returns counts by outcome."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "waiting": 0}
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
            Notice.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, state=NoticeState.PENDING)
            .first()
        )
        if notice is None:
            return "waiting"  # sent or claimed by another worker meanwhile
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
        notice.save()
        return "sent"


@transaction.atomic
def notice_retry(*, notice: Notice) -> Notice:
    """Put a failed or waiting notice back in the queue, due now (admin action)."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.state == NoticeState.SENT:
        return notice
    notice.state = NoticeState.PENDING
    notice.next_attempt_at = timezone.now()
    notice.save(update_fields=["state", "next_attempt_at"])
    transaction.on_commit(_dispatch, robust=True)
    return notice
