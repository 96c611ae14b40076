from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeOffRequestForm(forms.Form):
    start_date = forms.DateField(label="First day", widget=DateInput())
    end_date = forms.DateField(label="Last day", widget=DateInput())
    reason = forms.CharField(label="Reason (optional)", max_length=200, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label="Note to the employee", max_length=300, required=False)


class PublishForm(forms.Form):
    # What the review page showed (WeekPreview.basis): publishing refuses when the week
    # is no longer that.
    basis = forms.CharField(max_length=100, widget=forms.HiddenInput)


class NoticesForm(forms.Form):
    notices_enabled = forms.BooleanField(label="Email me about my schedule", required=False)


class EmployeeSetPasswordForm(SetPasswordForm):
    """Django's set-password form (the validators of AUTH_PASSWORD_VALIDATORS apply)."""
