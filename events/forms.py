"""Forms and query-parameter filters of the events pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms

from core.dates import bound_from, bound_until
from core.forms import AccessibleFormMixin
from events.filters import EventFilter
from events.models import Event
from events.querysets import EventQuerySet
from events.types import EventType


class DueRangeForm(AccessibleFormMixin, forms.Form):
    """Refuses a `due_from` after `due_to`, naming the field."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("due_from"), cleaned.get("due_to")
        if first and last and first > last:
            self.add_error(
                "due_to",
                forms.ValidationError("Must not be before “Due from”.", code="invalid_range"),
            )
        return cleaned


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnscheduledEventFilter(django_filters.FilterSet):
    """The unscheduled list's query parameters: type, store, due days, search.

    Due days are store-local calendar days of the due date-time, as on the dashboard.
    """

    event_type = django_filters.ChoiceFilter(
        choices=EventType.choices, label="Type", empty_label="Any type"
    )
    store = django_filters.CharFilter(
        field_name="store_number", max_length=16, label="Store number"
    )
    due_from = django_filters.DateFilter(
        method="filter_due_from", label="Due from", widget=_date_input()
    )
    due_to = django_filters.DateFilter(method="filter_due_to", label="Due to", widget=_date_input())
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        label="Name or ref #",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    class Meta:
        model = Event
        fields: list[str] = []
        form = DueRangeForm

    def filter_due_from(self, queryset: EventQuerySet, name: str, value: Any) -> EventQuerySet:
        bound = bound_from(value)
        return queryset if bound is None else queryset.filter(due_datetime__gte=bound)

    def filter_due_to(self, queryset: EventQuerySet, name: str, value: Any) -> EventQuerySet:
        bound = bound_until(value)
        return queryset if bound is None else queryset.filter(due_datetime__lt=bound)

    def filter_search(self, queryset: EventQuerySet, name: str, value: str) -> EventQuerySet:
        return EventFilter.filter_search(self, queryset, name, value)  # type: ignore[arg-type]
