"""Shared pieces for django-filter FilterSets."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet


class DateRangeForm(forms.Form):
    """Refuses a `date_from` after `date_to`, naming the parameter."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error(
                "date_to",
                forms.ValidationError("Must not be before date_from.", code="invalid_range"),
            )
        return cleaned


class StableOrderingFilter(django_filters.OrderingFilter):
    """`?ordering=name,-due`; the primary key always breaks ties, so pages never overlap.

    Without `ordering` the selector's own order applies (it ends with the key too).
    """

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        ordering = [self.get_ordering_value(param) for param in value or () if param]
        if not ordering:
            return qs
        return qs.order_by(*ordering, "pk")


class StrictBooleanField(forms.Field):
    """`true`/`false` (also 1/0, yes/no); anything else is an error, never ignored."""

    TRUE = frozenset({"true", "1", "yes"})
    FALSE = frozenset({"false", "0", "no"})

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField  # type: ignore[assignment]
