"""Every write of the self-service app: feeds, time-off requests, accounts, preferences."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.exceptions import ConflictError, InvalidInputError, NotFoundError
from employees.models import Employee
from employees.services import timeoff_add
from scheduler.selectors import week_of
from selfservice.feeds import new_nonce, token_for, token_hash
from selfservice.models import (
    CalendarFeed,
    EmployeePreferences,
    NoticeKind,
    RequestStatus,
    TimeOffRequest,
    WeekPublication,
)
from selfservice.notices import digest_message, feed_line_of, notices_record
from selfservice.selectors import feed_of, overlapping_requests, week_preview
from selfservice.weeks import entries_to_json

logger = logging.getLogger(__name__)


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


# --- Calendar feeds ------------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, employee_id: int | None = None, user_id: int | None = None) -> str:
    """Make a new feed link for an employee (or a manager's team feed); the old link of
    the same feed stops working at once. Returns the new token."""
    if (employee_id is None) == (user_id is None):
        raise ValueError("Give either employee_id or user_id.")
    nonce = new_nonce()
    token = token_for(nonce)  # refuses while the feature is off or unconfigured
    lookup = {"employee_id": employee_id} if employee_id is not None else {"user_id": user_id}
    feed = CalendarFeed.objects.select_for_update().filter(**lookup).first()
    if feed is None:
        feed = CalendarFeed(**lookup)
    feed.nonce = nonce
    feed.token_hash = token_hash(token)
    feed.full_clean()
    feed.save()
    logger.info("calendar feed renewed", extra={"feed_id": feed.pk})
    return token


@transaction.atomic
def calendar_feed_revoke(*, employee_id: int | None = None, user_id: int | None = None) -> bool:
    """Delete the feed: its link stops working. True when there was one."""
    lookup = {"employee_id": employee_id} if employee_id is not None else {"user_id": user_id}
    deleted, _ = CalendarFeed.objects.filter(**lookup).delete()
    return bool(deleted)


def calendar_feed_token(feed: CalendarFeed) -> str:
    return token_for(feed.nonce)


# --- Preferences ---------------------------------------------------------------------


def preferences_mark_seen(*, employee_id: int, at: dt.datetime) -> None:
    """Remember when the employee last looked at their schedule (one statement once
    their preferences exist)."""
    if not EmployeePreferences.objects.filter(employee_id=employee_id).update(schedule_seen_at=at):
        EmployeePreferences.objects.get_or_create(
            employee_id=employee_id, defaults={"schedule_seen_at": at}
        )


def preferences_set_notices(*, employee_id: int, enabled: bool) -> EmployeePreferences:
    prefs, _ = EmployeePreferences.objects.update_or_create(
        employee_id=employee_id, defaults={"notices_enabled": enabled}
    )
    return prefs


# --- Publishing a week ---------------------------------------------------------------


class NothingToPublishError(ConflictError):
    code = "nothing_to_publish"
    title = "Nothing to publish"


class WeekChangedError(ConflictError):
    code = "week_changed"
    title = "The week changed since it was reviewed"


@transaction.atomic
def week_publish(*, day: dt.date, by: Any, basis: str | None = None) -> WeekPublication:
    """Publish the week of `day`: record what it is now and, in the same transaction,
    write one digest notice for each employee whose week changed since its last
    publication (all with a schedule, the first time), sent after commit.

    The week's live schedules are locked while this runs, so none moves between what is
    recorded and what is told. Refused (409, nothing written): `basis` given and no
    longer what the week is (`WeekPreview.basis`: it changed, or someone published it,
    since the page was drawn); nothing changed since the last publication; someone
    publishing the same week at the same moment.
    """
    monday = week_of(day)[0]
    preview = week_preview(monday, lock=True)
    if basis is not None and basis != preview.basis:
        raise WeekChangedError(
            "The week changed since you reviewed it (or someone published it); nothing "
            "was sent. Review it again."
        )
    if not preview.changed:
        if preview.last is None:
            raise NothingToPublishError("Nothing is scheduled that week; nothing was sent.")
        raise NothingToPublishError(
            "Nothing changed since the week was last published; nothing was sent."
        )
    publication = WeekPublication(
        week_start=monday,
        number=preview.last.number + 1 if preview.last else 1,
        published_by=by if getattr(by, "is_authenticated", False) else None,
        snapshot=entries_to_json(preview.entries),
        employees_changed=len(preview.rows),
        added=preview.total("added"),
        moved=preview.total("moved"),
        removed=preview.total("removed"),
    )
    try:
        with transaction.atomic():
            publication.save()
    except IntegrityError:
        raise WeekChangedError(
            "Someone else published this week at the same moment; nothing was sent. "
            "Review it again."
        ) from None
    rows = []
    for row in preview.rows:
        if not row.told:
            continue
        subject, body = digest_message(
            row.employee,
            row.changes,
            monday=monday,
            first=preview.last is None,
            feed_line=feed_line_of(feed_of(row.employee)),
        )
        rows.append((row.employee, NoticeKind.WEEK, subject, body))
    publication.digests = len(notices_record(rows))
    publication.save(update_fields=["digests"])
    logger.info(
        "week published",
        extra={"week_start": monday.isoformat(), "digests": publication.digests},
    )
    return publication


# --- Time-off requests ---------------------------------------------------------------


def _lock_request(request_id: int, *, employee_id: int | None = None) -> TimeOffRequest:
    rows = TimeOffRequest.objects.select_for_update().select_related("employee")
    if employee_id is not None:
        rows = rows.filter(employee_id=employee_id)
    req = rows.filter(pk=request_id).first()
    if req is None:
        raise NotFoundError("No such time-off request.")
    return req


def _still_pending(req: TimeOffRequest) -> None:
    if not req.is_pending:
        raise ConflictError(
            f"This request is already {req.get_status_display().lower()}.",
            code="request_decided",
        )


@transaction.atomic
def timeoff_request_create(
    *,
    employee_id: int,
    start_date: dt.date,
    end_date: dt.date,
    reason: str = "",
    today: dt.date,
) -> TimeOffRequest:
    """An employee asks for the days start..end off.

    Refused: a range ending before it starts, a first day before `today` (past dates),
    more than a year at once, and a range overlapping one of their pending or approved
    requests (ValidationError, a 400 with the field).
    """
    if end_date < start_date:
        raise ValidationError(
            {"end_date": "The last day must not be before the first day."}, code="invalid_range"
        )
    if start_date < today:
        raise ValidationError(
            {"start_date": "Time off can only be requested from today on."}, code="past_date"
        )
    if (end_date - start_date).days >= 366:
        raise ValidationError(
            {"end_date": "Ask for at most a year at once."}, code="range_too_long"
        )
    employee = Employee.objects.select_for_update().filter(pk=employee_id).first()
    if employee is None:
        raise NotFoundError("No such employee.")
    clash = (
        overlapping_requests(employee_id=employee_id, start_date=start_date, end_date=end_date)
        .order_by("start_date", "id")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"This overlaps your {clash.get_status_display().lower()} request for "
            f"{_day(clash.start_date)} to {_day(clash.end_date)}.",
            code="overlap",
        )
    req = TimeOffRequest(
        employee=employee, start_date=start_date, end_date=end_date, reason=reason.strip()
    )
    req.full_clean()
    req.save()
    logger.info("time-off request created", extra={"request_id": req.pk})
    return req


@transaction.atomic
def timeoff_request_cancel(*, employee_id: int, request_id: int) -> TimeOffRequest:
    """The employee withdraws a pending request of theirs (another's is not found)."""
    req = _lock_request(request_id, employee_id=employee_id)
    _still_pending(req)
    req.status = RequestStatus.CANCELED
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "decided_at"])
    return req


@transaction.atomic
def timeoff_request_approve(*, request_id: int, by: Any, note: str = "") -> TimeOffRequest:
    """Approve: the time off is written in the same transaction (employees' service:
    it locks the employee and refuses an overlap with recorded time off). Schedules the
    days clash with stay for the manager to cover: the inbox lists them next, with the
    call-out when an app offers it (`selectors.approval_follow_up`)."""
    req = _lock_request(request_id)
    _still_pending(req)
    time_off = timeoff_add(
        employee_id=req.employee_id,
        start_date=req.start_date,
        end_date=req.end_date,
        reason=req.reason or "Requested time off",
    )
    req.status = RequestStatus.APPROVED
    req.decided_at = timezone.now()
    req.decided_by = by if getattr(by, "is_authenticated", False) else None
    req.decision_note = note.strip()
    req.time_off = time_off
    req.full_clean()
    req.save()
    _notify_decision(req)
    logger.info("time-off request approved", extra={"request_id": req.pk})
    return req


@transaction.atomic
def timeoff_request_deny(*, request_id: int, by: Any, note: str) -> TimeOffRequest:
    """Deny with a note for the employee (required)."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say why, for the employee."}, code="required")
    req = _lock_request(request_id)
    _still_pending(req)
    req.status = RequestStatus.DENIED
    req.decided_at = timezone.now()
    req.decided_by = by if getattr(by, "is_authenticated", False) else None
    req.decision_note = note
    req.full_clean()
    req.save()
    _notify_decision(req)
    logger.info("time-off request denied", extra={"request_id": req.pk})
    return req


def _notify_decision(req: TimeOffRequest) -> None:
    from selfservice.notices import notice_for_decision

    notice_for_decision(req)


# --- Accounts ------------------------------------------------------------------------


class AccountError(InvalidInputError):
    code = "account_not_created"
    title = "Account not created"


def set_password_link(*, user: Any, base_url: str) -> str:
    """A one-time link to set a password (Django's password-reset token: it stops working
    once the password is set, or after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("me-set-password", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


@transaction.atomic
def employee_account_create(*, employee_id: int, base_url: str) -> Any:
    """Give an employee a sign-in account and email them a one-time set-password link.

    The username is their employee id; the account has no usable password until they
    set one. Refused for an inactive employee, one without an email address, and one who
    already has an account (`employee_account_send_link` sends a new link). The email
    leaves after commit.
    """
    employee = Employee.objects.select_for_update().filter(pk=employee_id).first()
    if employee is None:
        raise NotFoundError("No such employee.")
    if employee.user_id is not None:
        raise AccountError(f"{employee.name} already has an account.")
    if not employee.is_active:
        raise AccountError(f"{employee.name} is not active.")
    if not employee.email:
        raise AccountError(f"{employee.name} has no email address to send the link to.")
    user_model = get_user_model()
    username = employee.external_id.lower()
    if user_model._default_manager.filter(username__iexact=username).exists():
        raise AccountError(f"The username {username} is already taken.")
    user = user_model(username=username, email=employee.email, first_name=employee.name[:150])
    user.set_unusable_password()
    user.full_clean()
    user.save()
    employee.user = user
    employee.save(update_fields=["user", "updated_at"])
    _send_link_after_commit(employee=employee, user=user, base_url=base_url, first=True)
    return user


@transaction.atomic
def employee_account_send_link(*, employee_id: int, base_url: str) -> Any:
    """Email a new one-time set-password link to an employee who has an account."""
    employee = Employee.objects.select_related("user").filter(pk=employee_id).first()
    if employee is None:
        raise NotFoundError("No such employee.")
    if employee.user is None:
        raise AccountError(f"{employee.name} has no account yet.")
    if not employee.email:
        raise AccountError(f"{employee.name} has no email address to send the link to.")
    _send_link_after_commit(employee=employee, user=employee.user, base_url=base_url, first=False)
    return employee.user


def _send_link_after_commit(*, employee: Employee, user: Any, base_url: str, first: bool) -> None:
    link = set_password_link(user=user, base_url=base_url)
    context = {"employee": employee, "username": user.get_username(), "link": link, "first": first}
    subject = "Your Event Scheduler account" if first else "Set your Event Scheduler password"
    body = render_to_string("selfservice/email/set_password.txt", context)
    recipient = employee.email

    def send() -> None:
        send_mail(subject, body, None, [recipient])
        logger.info("set-password link sent", extra={"employee_id": employee.pk})

    transaction.on_commit(send)
