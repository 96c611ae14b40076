"""Forms of the call-out, attendance and unreported pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from attendance.models import AttendanceStatus, CallOutReason
from employees.models import Employee
from events.forms import AccessibleFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_RANGE_DAYS = 366


class CallOutForm(AccessibleFormMixin, forms.Form):
    """Who is out (the page's employee), from when to when, and why."""

    reason = forms.ChoiceField(label="Reason", choices=CallOutReason.choices)
    first_day = forms.DateField(label="First day out", widget=DATE)
    last_day = forms.DateField(
        label="Last day out",
        widget=DATE,
        required=False,
        help_text="Empty: the first day only (for a termination: every day from then on).",
    )
    note = forms.CharField(label="Note", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        reason = cleaned.get("reason")
        if first and not last and reason != CallOutReason.TERMINATED:
            cleaned["last_day"] = last = first
        if reason == CallOutReason.TERMINATED and first and not self.data.get("last_day"):
            cleaned["last_day"] = None
        if first and last and last < first:
            self.add_error(
                "last_day",
                forms.ValidationError(
                    "The last day must not be before the first day.", code="invalid_range"
                ),
            )
        elif first and last and (last - first).days >= MAX_RANGE_DAYS:
            self.add_error(
                "last_day", forms.ValidationError("At most a year.", code="invalid_range")
            )
        return cleaned


class AttendanceForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label="Attendance", choices=AttendanceStatus.choices)
    minutes_late = forms.IntegerField(
        label="Minutes late", min_value=1, max_value=24 * 60, required=False
    )
    note = forms.CharField(label="Note", max_length=300, required=False)
    next = forms.CharField(required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == AttendanceStatus.LATE and not cleaned.get("minutes_late"):
            self.add_error(
                "minutes_late",
                forms.ValidationError("Say how many minutes late.", code="minutes_required"),
            )
        return cleaned


class DateRangeForm(AccessibleFormMixin, forms.Form):
    date_from = forms.DateField(label="From", widget=DATE)
    date_to = forms.DateField(label="To", widget=DATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error(
                "date_to", forms.ValidationError("Must not be before “From”.", code="invalid_range")
            )
        elif first and last and (last - first).days >= MAX_RANGE_DAYS:
            self.add_error(
                "date_to", forms.ValidationError("At most a year.", code="invalid_range")
            )
        return cleaned


def parse_month(raw: str | None, today: dt.date) -> dt.date | None:
    """`YYYY-MM` → its first day; empty → this month; nonsense → None."""
    if not raw:
        return today.replace(day=1)
    try:
        year, month = raw.split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


class ReissueForm(forms.Form):
    employee = forms.ModelChoiceField(
        label="To", queryset=Employee.objects.filter(rep_id__isnull=False)
    )
    expiration_date = forms.DateField(label="Expires", widget=DATE)
    next = forms.CharField(required=False, max_length=500)
