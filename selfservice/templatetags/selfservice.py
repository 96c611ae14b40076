from __future__ import annotations

from typing import Any

from django import template

from core.roles import is_employee_user, linked_employee_id

register = template.Library()


@register.filter
def employee_role(user: Any) -> bool:
    """The employee role (their own pages only)."""
    return is_employee_user(user)


@register.filter
def has_employee(user: Any) -> bool:
    """Linked to an employee (any role): they have a "My schedule"."""
    return linked_employee_id(user) is not None
