from __future__ import annotations

from employees.models import Employee
from employees.querysets import EmployeeQuerySet


def employee_list() -> EmployeeQuerySet:
    """Every employee, in a stable order; nothing related is needed to draw them."""
    return Employee.objects.order_by("name", "id")


def employees_by_ids(ids: list[int]) -> dict[int, Employee]:
    """Employees by primary key, in one query."""
    return Employee.objects.by_ids(ids)
