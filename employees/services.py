"""Writes to employees' availability: time off (add, remove), a termination date, one-day
rotation exceptions."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from core.exceptions import NotFoundError
from employees.models import Employee, RotationException, TimeOff

logger = logging.getLogger(__name__)


def _lock_employee(employee_id: int) -> Employee:
    """Lock the employee row, as the scheduling services do before checking the rules,
    so time off and a schedule for the same person cannot be written at the same time
    each without seeing the other."""
    employee = Employee.objects.select_for_update().filter(pk=employee_id).first()
    if employee is None:
        raise NotFoundError("No such employee.")
    return employee


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@transaction.atomic
def timeoff_add(
    *, employee_id: int, start_date: dt.date, end_date: dt.date, reason: str = ""
) -> TimeOff:
    """Give an employee time off from `start_date` to `end_date`, inclusive.

    Refuses (ValidationError) an end before the start and a range that overlaps the
    employee's existing time off. Schedules already in the range stay as they are: the
    caller shows them (`scheduler.employee_selectors.employee_schedules_on_days`) so a manager
    can move them.
    """
    if end_date < start_date:
        raise ValidationError(
            {"end_date": "The last day must not be before the first day."}, code="invalid_range"
        )
    employee = _lock_employee(employee_id)
    time_off = TimeOff(
        employee=employee, start_date=start_date, end_date=end_date, reason=reason.strip()
    )
    time_off.full_clean()
    clash = (
        TimeOff.objects.filter(
            employee=employee, start_date__lte=end_date, end_date__gte=start_date
        )
        .order_by("start_date", "id")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"This overlaps time off already recorded from {_day(clash.start_date)} "
            f"to {_day(clash.end_date)}.",
            code="overlap",
        )
    time_off.save()
    logger.info("time off added", extra={"employee_id": employee.pk, "time_off_id": time_off.pk})
    return time_off


@transaction.atomic
def timeoff_remove(*, employee_id: int, timeoff_id: int) -> TimeOff:
    """Remove one of the employee's time off entries; returns the removed row.

    Time off of another employee (or none at all) is "not found" (404).
    """
    _lock_employee(employee_id)
    time_off = TimeOff.objects.filter(pk=timeoff_id, employee_id=employee_id).first()
    if time_off is None:
        raise NotFoundError("This employee has no such time off.")
    time_off.delete()
    logger.info("time off removed", extra={"employee_id": employee_id, "time_off_id": timeoff_id})
    return time_off


@transaction.atomic
def employee_terminate(*, employee_id: int, termination_date: dt.date) -> Employee:
    """Record that the employee works no day from `termination_date` on (an earlier
    date already recorded is kept)."""
    employee = _lock_employee(employee_id)
    if employee.termination_date is None or employee.termination_date > termination_date:
        employee.termination_date = termination_date
        employee.full_clean()
        employee.save(update_fields=["termination_date", "updated_at"])
        logger.info("employee terminated", extra={"employee_id": employee.pk})
    return employee


@transaction.atomic
def rotation_exception_set(
    *, day: dt.date, kind: str, employee_id: int, reason: str = ""
) -> RotationException:
    """Make `employee_id` the Juicer or Primary Lead (`kind`) on `day` alone, replacing
    any exception already set for that day and kind."""
    employee = _lock_employee(employee_id)
    exception = RotationException.objects.select_for_update().filter(date=day, kind=kind).first()
    if exception is None:
        exception = RotationException(date=day, kind=kind)
    exception.employee = employee
    exception.reason = reason.strip()[:200]
    exception.full_clean(validate_unique=False)
    exception.save()
    return exception
