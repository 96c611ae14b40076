from __future__ import annotations

import datetime as dt

import django_filters

from core.dates import bound_from, bound_until
from core.filters import DateRangeForm, FilterSet, IdFilter, StableOrderingFilter
from events.types import EventType
from scheduler.models import Schedule
from scheduler.querysets import ScheduleQuerySet


class ScheduleFilter(FilterSet):
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="Starts on this store-local day or later"
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="Starts on this store-local day or earlier"
    )
    employee = IdFilter(field_name="employee_id", label="Employee id")
    event_type = django_filters.MultipleChoiceFilter(
        field_name="event__event_type", choices=EventType.choices
    )
    store = django_filters.CharFilter(field_name="event__store_number", max_length=16)
    ordering = StableOrderingFilter(fields=("start", ("employee__name", "employee")))

    class Meta:
        model = Schedule
        fields = ["employee"]
        form = DateRangeForm

    def filter_date_from(
        self, queryset: ScheduleQuerySet, name: str, value: dt.date
    ) -> ScheduleQuerySet:
        bound = bound_from(value)
        return queryset if bound is None else queryset.filter(start__gte=bound)

    def filter_date_to(
        self, queryset: ScheduleQuerySet, name: str, value: dt.date
    ) -> ScheduleQuerySet:
        bound = bound_until(value)
        return queryset if bound is None else queryset.filter(start__lt=bound)
