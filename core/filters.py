"""Shared pieces for django-filter FilterSets."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field

from core.fields import MAX_ID


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, making its form class once per filter set class.

    django-filter makes a new form class (and a field per filter) for every request; the
    fields depend only on the declared filters, so the first one made is kept on the
    class. A subclass that changes its filters per instance must not use this.
    """

    def get_form_class(self) -> type[forms.Form]:
        cls = type(self)
        made: type[forms.Form] | None = cls.__dict__.get("_made_form_class")
        if made is None:
            made = super().get_form_class()
            cls._made_form_class = made  # type: ignore[attr-defined]
        return made


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


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """A row id: a whole number from 1 to MAX_ID; anything else is an error, never rounded.

    It replaces django-filter's NumberFilter, which reads a decimal: the schema said
    "number", `1.5` was taken as 1, and an id past the column's range (`1e49`, 2**63)
    crashed the query, since Django guards plain integer lookups against overflow but
    not foreign-key ones.
    """

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
