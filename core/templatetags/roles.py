"""`{% if user|can_manage %}`: show a manager's links only to managers (and staff)."""

from typing import Any

from django import template

from core.roles import is_manager

register = template.Library()


@register.filter
def can_manage(user: Any) -> bool:
    return is_manager(user)
