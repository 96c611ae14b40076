"""Forms of the manager pages: they parse input; the rules live in scheduler.rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from core.dates import local_date, window_last_day
from core.fields import MAX_ID, DayFormField
from employees.models import Employee
from events.models import Event
from events.types import EventType, core_slots, default_start_time
from scheduler.models import Schedule
from scheduler.rules import Code

ACKNOWLEDGE_CHOICES = [(code.value, code.label) for code in Code]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    """A start time on the store's 24-hour clock. Not `type="time"`: browsers show that
    with the reader's locale, on a 12-hour clock in the US."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "inputmode": "numeric",
            "pattern": "([01][0-9]|2[0-3]):[0-5][0-9]",
            "placeholder": "HH:MM",
            "title": "24-hour time, HH:MM",
            "size": "5",
            "maxlength": "5",
            "autocomplete": "off",
        }
        super().__init__({**defaults, **(attrs or {})}, format="%H:%M")


def store_start(day: dt.date, time: dt.time) -> dt.datetime:
    """The aware moment of a store-local wall-clock time on `day`."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def slots_for(event: Event) -> list[dt.time]:
    """The start times offered for `event`: Core slots, else the type's default start."""
    if event.event_type == EventType.CORE:
        return core_slots()
    return [default_start_time(event.event_type)]


class WhenForm(forms.Form):
    """The date and start time the employee list of the event page is worked out for
    (a GET form). Core events pick one of the slots; other types may type any time."""

    date = DayFormField(label="Date", widget=DateInput)
    slot = forms.ChoiceField(label="Slot", required=False)
    time = forms.TimeField(
        label="Or another time",
        required=False,
        widget=TimeInput,
        help_text="Leave empty to use the slot.",
    )

    def __init__(self, *args: Any, event: Event, extra_time: dt.time | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The picker offers the days a start is allowed on only.
        first, last = local_date(event.start_datetime), window_last_day(event.due_datetime)
        self.fields["date"].widget.attrs.update(
            {"min": f"{first:%Y-%m-%d}", "max": f"{last:%Y-%m-%d}"}
        )
        times = slots_for(event)
        if extra_time is not None and extra_time not in times:
            times = sorted([*times, extra_time])
        slot = self.fields["slot"]
        assert isinstance(slot, forms.ChoiceField)  # noqa: S101 (declared above)
        slot.choices = [(f"{t:%H:%M}", f"{t:%H:%M}") for t in times]
        if event.event_type == EventType.CORE:
            del self.fields["time"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("time")
        if chosen is None and data.get("slot"):
            chosen = dt.time.fromisoformat(data["slot"])
        if chosen is None and not self.errors:
            raise forms.ValidationError("Pick a slot or type a start time.")
        data["start_time"] = chosen
        return data

    def start(self) -> dt.datetime:
        return store_start(self.cleaned_data["date"], self.cleaned_data["start_time"])


class ChangeForm(forms.Form):
    """What every write form carries besides its own fields."""

    acknowledge = forms.MultipleChoiceField(choices=ACKNOWLEDGE_CHOICES, required=False)
    next = forms.CharField(required=False, max_length=500)

    def acknowledged(self) -> list[str]:
        return list(self.cleaned_data.get("acknowledge") or [])

    def chosen(self) -> tuple[dt.datetime | None, int | None]:
        """The start and employee asked for, as far as they could be read."""
        return None, None


class ScheduleForm(ChangeForm):
    """Schedule an event: a date, a start time and an employee."""

    date = DayFormField(label="Date")
    time = forms.TimeField(label="Start time")
    employee = forms.ModelChoiceField(
        label="Employee",
        queryset=Employee.objects.all(),
        error_messages={"required": "Pick an employee.", "invalid_choice": "No such employee."},
    )

    def chosen(self) -> tuple[dt.datetime | None, int | None]:
        data = getattr(self, "cleaned_data", {})
        start = (
            store_start(data["date"], data["time"]) if "date" in data and "time" in data else None
        )
        employee = data.get("employee")
        return start, employee.pk if employee is not None else None

    def start(self) -> dt.datetime:
        return store_start(self.cleaned_data["date"], self.cleaned_data["time"])


class RescheduleForm(ChangeForm):
    """Move a schedule (date and/or time) and/or give it to another employee; what is
    left empty stays as it is."""

    date = DayFormField(label="New date", required=False, widget=DateInput)
    time = forms.TimeField(label="New start time", required=False, widget=TimeInput)
    employee = forms.ModelChoiceField(
        label="Employee",
        queryset=Employee.objects.all(),
        required=False,
        error_messages={"invalid_choice": "No such employee."},
    )
    # Moving a Core event: unschedule its Supervisor event when no one can take it then.
    drop_supervisor = forms.BooleanField(required=False)

    def __init__(self, *args: Any, schedule: Schedule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schedule = schedule

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        start, employee_id = self.chosen()
        if start == self.schedule.start and employee_id == self.schedule.employee_id:
            raise forms.ValidationError("Nothing to change: pick another time or employee.")
        return data

    def chosen(self) -> tuple[dt.datetime | None, int | None]:
        data = getattr(self, "cleaned_data", {})
        local = timezone.localtime(self.schedule.start)
        day = data.get("date") or local.date()
        time = data.get("time") or local.time().replace(tzinfo=None)
        employee = data.get("employee")
        return store_start(day, time), (employee or self.schedule.employee).pk

    def new_start(self) -> dt.datetime | None:
        start, _ = self.chosen()
        return start if start != self.schedule.start else None

    def new_employee(self) -> Employee | None:
        employee = self.cleaned_data.get("employee")
        return employee if employee and employee.pk != self.schedule.employee_id else None


class TradeForm(ChangeForm):
    """Swap the employees of two schedules of the same day."""

    # Ids in the column's range: a larger number overflowed the lookup (a 500).
    first = forms.IntegerField(label="Schedule", min_value=1, max_value=MAX_ID)
    second = forms.IntegerField(
        label="Trade with",
        min_value=1,
        max_value=MAX_ID,
        error_messages={"required": "Pick the schedule to trade with."},
    )
