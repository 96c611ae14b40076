from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch

from core.exceptions import NotFoundError
from employees.models import Employee, Rotation, RotationException, TimeOff, UnavailableDate
from employees.querysets import EmployeeQuerySet


def employee_list() -> EmployeeQuerySet:
    """Every employee, in a stable order; nothing related is needed to draw them."""
    return Employee.objects.order_by("name", "id")


def employees_by_ids(ids: list[int]) -> dict[int, Employee]:
    """Employees by primary key, in one query."""
    return Employee.objects.by_ids(ids)


# --- Manager pages ----------------------------------------------------------------------


def employee_detail(*, pk: int, today: dt.date) -> Employee:
    """One employee with what the page shows prefetched (five queries): time off and
    unavailable dates from `today`, weekday rotations, rotation exceptions from `today`.

    Raises NotFoundError (404) when there is no such employee.
    """
    employee = (
        Employee.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "time_off",
                queryset=TimeOff.objects.filter(end_date__gte=today).order_by("start_date", "id"),
                to_attr="current_time_off",
            ),
            Prefetch(
                "unavailable_dates",
                queryset=UnavailableDate.objects.filter(date__gte=today).order_by("date", "id"),
                to_attr="upcoming_unavailable",
            ),
            Prefetch(
                "rotations",
                queryset=Rotation.objects.order_by("weekday", "kind"),
                to_attr="rotation_list",
            ),
            Prefetch(
                "rotation_exceptions",
                queryset=RotationException.objects.filter(date__gte=today).order_by("date", "kind"),
                to_attr="upcoming_rotation_exceptions",
            ),
        )
        .first()
    )
    if employee is None:
        raise NotFoundError("No such employee.")
    return employee


def search_employees(query: str, *, limit: int = 25) -> list[Employee]:
    """Employees whose name contains `query` (one query); active first, then by name."""
    return list(
        Employee.objects.filter(name__icontains=query.strip()).order_by("-is_active", "name", "pk")[
            :limit
        ]
    )


def rotations_on(days: Iterable[dt.date]) -> dict[dt.date, dict[str, int]]:
    """Who is on each rotation that day (kind → employee id), for each of `days` in date
    order; a one-day exception replaces the weekday's rotation. Two queries (none for no
    days)."""
    wanted = sorted(set(days))
    if not wanted:
        return {}
    weekly: dict[int, dict[str, int]] = {}
    for weekday, kind, employee_id in Rotation.objects.values_list(
        "weekday", "kind", "employee_id"
    ):
        weekly.setdefault(weekday, {})[kind] = employee_id
    found = {day: dict(weekly.get(day.weekday(), {})) for day in wanted}
    for day, kind, employee_id in RotationException.objects.filter(
        date__gte=wanted[0], date__lte=wanted[-1]
    ).values_list("date", "kind", "employee_id"):
        if day in found:
            found[day][kind] = employee_id
    return found


def rotations_between(first: dt.date, last: dt.date) -> dict[dt.date, dict[str, int]]:
    """`rotations_on` every day first..last (none when last is before first)."""
    return rotations_on(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
