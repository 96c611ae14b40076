"""Query parameters of the attendance list API."""

from __future__ import annotations

import django_filters

from attendance.models import AttendanceRecord
from core.filters import DateRangeForm, IdFilter


class AttendanceFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        field_name="work_date", lookup_expr="gte", label="From this store-local day"
    )
    date_to = django_filters.DateFilter(
        field_name="work_date", lookup_expr="lte", label="Until this store-local day"
    )
    employee = IdFilter(field_name="employee_id", label="Employee id")

    class Meta:
        model = AttendanceRecord
        fields: list[str] = []
        form = DateRangeForm
