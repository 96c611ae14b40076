from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q

from core.dates import bound_from, bound_until
from core.filters import DateRangeForm, FilterSet, StableOrderingFilter, StrictBooleanFilter
from events.models import Event, EventCondition
from events.querysets import EventQuerySet
from events.types import EventType


class EventFilter(FilterSet):
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="Window meets this store-local day or later"
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="Window meets this store-local day or earlier"
    )
    event_type = django_filters.MultipleChoiceFilter(choices=EventType.choices)
    condition = django_filters.MultipleChoiceFilter(choices=EventCondition.choices)
    scheduled = StrictBooleanFilter(method="filter_scheduled")
    store = django_filters.CharFilter(field_name="store_number", max_length=16)
    search = django_filters.CharFilter(
        method="filter_search", max_length=100, label="Project name contains, or ref # is"
    )
    ordering = StableOrderingFilter(
        fields=(("due_datetime", "due"), ("start_datetime", "start"), "project_ref_num")
    )

    class Meta:
        model = Event
        fields = ["event_type", "condition"]
        form = DateRangeForm

    def filter_date_from(self, queryset: EventQuerySet, name: str, value: dt.date) -> EventQuerySet:
        bound = bound_from(value)
        return queryset if bound is None else queryset.filter(due_datetime__gt=bound)

    def filter_date_to(self, queryset: EventQuerySet, name: str, value: dt.date) -> EventQuerySet:
        bound = bound_until(value)
        return queryset if bound is None else queryset.filter(start_datetime__lt=bound)

    def filter_scheduled(self, queryset: EventQuerySet, name: str, value: bool) -> EventQuerySet:
        return queryset.scheduled() if value else queryset.unscheduled()

    def filter_search(self, queryset: EventQuerySet, name: str, value: str) -> EventQuerySet:
        condition = Q(project_name__icontains=value)
        # ASCII digits only: "²".isdigit() is true, but int("²") raises.
        if value.isascii() and value.isdigit():
            condition |= Q(project_ref_num=int(value))
        return queryset.filter(condition)
