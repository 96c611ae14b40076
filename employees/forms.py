"""Forms and query-parameter filters of the employee pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from core.fields import DayFormField
from core.forms import AccessibleFormMixin
from employees.filters import EmployeeFilter
from employees.models import Employee, JobTitle
from employees.querysets import EmployeeQuerySet


class EmployeeFilterForm(AccessibleFormMixin, forms.Form):
    pass


class EmployeePageFilter(django_filters.FilterSet):
    """The employee list's query parameters: search, one job title, active or not.

    The API's EmployeeFilter takes several titles and true/false; a page form offers
    one title and a choice of status instead.
    """

    job_title = django_filters.ChoiceFilter(
        choices=JobTitle.choices, label="Job title", empty_label="Any title"
    )
    is_active = django_filters.ChoiceFilter(
        choices=[("true", "Active"), ("false", "Inactive")],
        method="filter_active",
        label="Status",
        empty_label="Any status",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        label="Name, id or email",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    class Meta:
        model = Employee
        fields: list[str] = []
        form = EmployeeFilterForm

    def filter_active(self, queryset: EmployeeQuerySet, name: str, value: str) -> EmployeeQuerySet:
        return queryset.filter(is_active=value == "true")

    def filter_search(self, queryset: EmployeeQuerySet, name: str, value: str) -> EmployeeQuerySet:
        return EmployeeFilter.filter_search(self, queryset, name, value)  # type: ignore[arg-type]


class TimeOffForm(AccessibleFormMixin, forms.Form):
    start_date = DayFormField(
        label="First day off",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = DayFormField(
        label="Last day off",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The same as the first day for a single day.",
    )
    reason = forms.CharField(label="Reason", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("start_date"), cleaned.get("end_date")
        if first and last and last < first:
            self.add_error(
                "end_date",
                ValidationError(
                    "The last day must not be before the first day.", code="invalid_range"
                ),
            )
        return cleaned

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's validation errors on their fields (others on the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
        else:
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        self.mark_invalid_fields()
