from __future__ import annotations

import django_filters
from django.db.models import Q

from core.filters import FilterSet, StableOrderingFilter, StrictBooleanFilter
from employees.models import Employee, JobTitle
from employees.querysets import EmployeeQuerySet


class EmployeeFilter(FilterSet):
    job_title = django_filters.MultipleChoiceFilter(choices=JobTitle.choices)
    is_active = StrictBooleanFilter()
    search = django_filters.CharFilter(
        method="filter_search", max_length=100, label="Name, employee id or email contains"
    )
    ordering = StableOrderingFilter(fields=("name", "external_id", "job_title"))

    class Meta:
        model = Employee
        fields = ["job_title", "is_active"]

    def filter_search(self, queryset: EmployeeQuerySet, name: str, value: str) -> EmployeeQuerySet:
        return queryset.filter(
            Q(name__icontains=value) | Q(external_id__iexact=value) | Q(email__iexact=value)
        )
