"""The notification outbox: one notice per decision, opt-out, retry without duplicates."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from employees.models import Employee
from selfservice.models import EmployeePreferences, Notice, NoticeState, TimeOffRequest
from selfservice.notices import notice_deliver, notice_retry
from selfservice.services import timeoff_request_approve, timeoff_request_deny
from tests.selfservice.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def pending(employee: Employee, today: dt.date) -> TimeOffRequest:
    return TimeOffRequest.objects.create(employee=employee, start_date=today, end_date=today)


def test_one_notice_per_decision(
    pending: TimeOffRequest, manager_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        timeoff_request_deny(request_id=pending.pk, by=manager_user, note="Inventory day")
    assert len(callbacks) == 1
    notice = Notice.objects.get()
    assert (notice.kind, notice.recipient, notice.state) == ("decision", "emma@example.com", "sent")
    assert len(mail.outbox) == 1
    assert notice_deliver() == {"sent": 0, "skipped": 0, "retry": 0, "failed": 0, "waiting": 0}
    assert len(mail.outbox) == 1


def test_opted_out_or_inactive_employees_get_nothing(
    pending: TimeOffRequest, employee: Employee, manager_user: Any
) -> None:
    EmployeePreferences.objects.create(employee=employee, notices_enabled=False)
    timeoff_request_approve(request_id=pending.pk, by=manager_user)
    assert Notice.objects.count() == 0

    EmployeePreferences.objects.filter(employee=employee).update(notices_enabled=True)
    Employee.objects.filter(pk=employee.pk).update(is_active=False)
    second = TimeOffRequest.objects.create(
        employee=employee,
        start_date=pending.end_date + dt.timedelta(days=3),
        end_date=pending.end_date + dt.timedelta(days=3),
    )
    timeoff_request_deny(request_id=second.pk, by=manager_user, note="No")
    assert Notice.objects.count() == 0


def test_a_rolled_back_decision_leaves_no_notice(
    pending: TimeOffRequest, employee: Employee, manager_user: Any
) -> None:
    from employees.models import TimeOff

    TimeOff.objects.create(
        employee=employee, start_date=pending.start_date, end_date=pending.end_date
    )
    with pytest.raises(Exception, match="overlaps"):
        timeoff_request_approve(request_id=pending.pk, by=manager_user)
    assert Notice.objects.count() == 0


def test_smtp_failure_is_retried_later_without_a_duplicate(
    pending: TimeOffRequest, manager_user: Any, settings: Any
) -> None:
    timeoff_request_approve(request_id=pending.pk, by=manager_user)  # on_commit not run here
    notice = Notice.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_TIMEOUT = 2

    assert notice_deliver() == {"sent": 0, "skipped": 0, "retry": 1, "failed": 0, "waiting": 0}

    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (NoticeState.PENDING, 1)
    assert (
        notice.last_error == "ConnectionRefusedError: the mail server refused or was unreachable."
    )
    assert notice.next_attempt_at > timezone.now()
    assert notice_deliver() == {
        "sent": 0,
        "skipped": 0,
        "retry": 0,
        "failed": 0,
        "waiting": 0,
    }  # not due

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = notice.next_attempt_at + dt.timedelta(seconds=1)
    assert notice_deliver(now=later) == {
        "sent": 1,
        "skipped": 0,
        "retry": 0,
        "failed": 0,
        "waiting": 0,
    }
    assert notice_deliver(now=later) == {
        "sent": 0,
        "skipped": 0,
        "retry": 0,
        "failed": 0,
        "waiting": 0,
    }
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == (NoticeState.SENT, 2, "")


def test_a_busy_mail_server_gets_the_notice_once_on_the_retry(
    pending: TimeOffRequest, manager_user: Any, smtp: SMTPServer
) -> None:
    """A real SMTP server on loopback answers the first message with a temporary failure
    (451) and accepts the second: the notice is retried later and arrives exactly once."""
    timeoff_request_approve(request_id=pending.pk, by=manager_user)
    smtp.refuse_next = 1

    assert notice_deliver()["retry"] == 1

    notice = Notice.objects.get()
    assert (notice.state, notice.attempts) == (NoticeState.PENDING, 1)
    assert notice.last_error == "SMTPDataError: the mail server refused or was unreachable."
    assert (smtp.refused, smtp.accepted) == (1, [])
    later = notice.next_attempt_at + dt.timedelta(seconds=1)
    assert notice_deliver(now=later)["sent"] == 1
    assert notice_deliver(now=later + dt.timedelta(hours=2)) == dict.fromkeys(
        ("sent", "skipped", "retry", "failed", "waiting"), 0
    )
    [message] = smtp.accepted
    assert (message["To"], message["Subject"]) == ("emma@example.com", "Time off approved")
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == (NoticeState.SENT, 2, "")


def test_gives_up_after_the_last_attempt_and_admin_can_requeue(
    pending: TimeOffRequest, manager_user: Any, settings: Any
) -> None:
    timeoff_request_approve(request_id=pending.pk, by=manager_user)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.NOTICES_MAX_ATTEMPTS = 2
    far = timezone.now() + dt.timedelta(days=1)
    assert notice_deliver(now=far)["retry"] == 1
    assert notice_deliver(now=far)["failed"] == 1
    notice = Notice.objects.get()
    assert notice.state == NoticeState.FAILED

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notice_retry(notice=notice)
    assert notice_deliver()["sent"] == 1
    assert len(mail.outbox) == 1


def test_failures_are_visible_in_the_admin(staff_client: Any, employee: Employee) -> None:
    Notice.objects.create(
        employee=employee,
        kind="decision",
        recipient="emma@example.com",
        subject="Time off approved",
        body="…",
        state=NoticeState.FAILED,
        attempts=8,
        last_error="SMTPServerDisconnected: the mail server refused or was unreachable.",
    )
    html = staff_client.get("/admin/selfservice/notice/?state__exact=failed").content.decode()
    assert "SMTPServerDisconnected" in html and "emma@example.com" in html


def test_deliver_notices_command(pending: TimeOffRequest, manager_user: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    timeoff_request_approve(request_id=pending.pk, by=manager_user)
    out = StringIO()
    call_command("deliver_notices", stdout=out)
    assert out.getvalue().strip() == "sent 1, skipped 0, retry 0, failed 0, waiting 0"
    assert len(mail.outbox) == 1


def test_employee_switches_notices_off_and_on(employee_client: Any, employee: Employee) -> None:
    assert employee_client.post("/me/notices/", {}).status_code == 302
    assert EmployeePreferences.objects.get(employee=employee).notices_enabled is False
    employee_client.post("/me/notices/", {"notices_enabled": "on"})
    assert EmployeePreferences.objects.get(employee=employee).notices_enabled is True
