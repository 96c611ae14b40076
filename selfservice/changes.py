"""Change notices: once a week is published, a change to an employee's schedule in it
tells them by email — one notice per employee per transaction, whatever the number of
rows the transaction changes (an approval of fifty proposals, a sync, a call-out).

The scheduler calls `notice_on_schedule_changed` for every row it writes, inside the
change's transaction (scheduler/hooks.py); a reassignment touches two employees, the
one who had the schedule and the one who has it now. The first row of a transaction
touching an employee's published week, from today on, writes that employee's notice to
the outbox; later rows find it and write nothing.

Which employees already have their notice is kept where Django keeps the transaction's
after-commit callbacks: one marker per employee (`transaction.on_commit`, a callback
that does nothing). Rolling back a savepoint drops the callbacks registered inside it,
just as it drops the rows written inside it, so the markers always match the notice
rows that will commit: a proposal refused and rolled back alone, or a sync batch redone
one row at a time, never leaves an employee with two notices or without one. The
transaction's look-ups (the published weeks, who switched notices off) are kept the
same way and loaded once, at its first change (selfservice/transactions.py).

The row carries no text yet (the transaction does not know its last change when it
writes the row): the delivery task tells what is true when it sends
(`selfservice.notices.change_message`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.dates import local_date
from employees.models import Employee
from scheduler.hooks import ScheduleChanged
from scheduler.models import Schedule
from scheduler.selectors import week_of
from selfservice.models import EmployeePreferences, Notice, NoticeKind, WeekPublication
from selfservice.notices import CHANGE_BODY_LATER, CHANGE_SUBJECT, dispatch_after_commit
from selfservice.transactions import queued, transaction_key

HOOK_KEY = "selfservice.change_notices"


class _Lookups:
    """What one transaction needs to decide who is told: loaded at its first schedule
    change (one query; a second once a published week is touched)."""

    def __init__(self, key: str | None) -> None:
        self.key = key
        self.today = timezone.localdate()
        self.published = set(
            WeekPublication.objects.filter(week_start__gte=week_of(self.today)[0]).values_list(
                "week_start", flat=True
            )
        )
        self._opted_out: set[int] | None = None

    @property
    def opted_out(self) -> set[int]:
        if self._opted_out is None:
            self._opted_out = set(
                EmployeePreferences.objects.filter(notices_enabled=False).values_list(
                    "employee_id", flat=True
                )
            )
        return self._opted_out

    def __call__(self) -> None:
        """Nothing to do after commit: registered only to live as long as the transaction
        (or the savepoint it was loaded in)."""


class _Decided:
    """Marks an employee decided in this transaction: told (a notice row was written) or
    not (inactive, no email, notices off)."""

    def __init__(self, employee_id: int, key: str | None) -> None:
        self.employee_id = employee_id
        self.key = key

    def __call__(self) -> None:
        """Nothing to do after commit (see the module)."""


def _state() -> tuple[_Lookups, set[int]]:
    key = transaction_key()
    lookups = None
    decided: set[int] = set()
    for func in queued():
        if isinstance(func, _Lookups) and func.key == key:
            lookups = func
        elif isinstance(func, _Decided) and func.key == key:
            decided.add(func.employee_id)
    if lookups is None:
        lookups = _Lookups(key)
        transaction.on_commit(lookups)
    return lookups, decided


def _touched(change: ScheduleChanged) -> list[tuple[int, dt.date]]:
    """(employee id, store-local day) of the schedule before and after the change."""
    pairs = []
    before = change.change.before
    if before and before.get("employee") and before.get("start"):
        pairs.append(
            (int(before["employee"]), local_date(dt.datetime.fromisoformat(before["start"])))
        )
    schedule = change.schedule
    if schedule.unscheduled_at is None:
        pairs.append((schedule.employee_id, local_date(schedule.start)))
    return pairs


def _employee(schedule: Schedule, employee_id: int) -> Employee | None:
    if schedule.employee_id == employee_id and Schedule.employee.is_cached(schedule):
        return schedule.employee
    return Employee.objects.filter(pk=employee_id).first()


def notice_on_schedule_changed(change: ScheduleChanged) -> None:
    """The handler of the scheduler's "schedule changed" hook (see the module)."""
    lookups, decided = _state()
    if not lookups.published:
        return
    for employee_id, day in _touched(change):
        if employee_id in decided or day < lookups.today:
            continue
        if week_of(day)[0] not in lookups.published:
            continue
        decided.add(employee_id)
        transaction.on_commit(_Decided(employee_id, lookups.key))
        if employee_id in lookups.opted_out:
            continue
        employee = _employee(change.schedule, employee_id)
        if employee is None or not employee.is_active or not employee.email:
            continue
        Notice.objects.create(
            employee=employee,
            kind=NoticeKind.CHANGE,
            recipient=employee.email,
            subject=CHANGE_SUBJECT,
            body=CHANGE_BODY_LATER,
        )
        dispatch_after_commit()
