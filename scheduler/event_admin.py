"""The Event admin: it shows each event's schedules, so it lives in the scheduler app
(above events) and is registered by scheduler/admin.py."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest

from core.dates import format_moment, format_window
from events.models import Event
from events.services import event_save
from events.types import EventType, detect_event_type
from scheduler.models import Schedule


def format_duration(duration: dt.timedelta) -> str:
    """`6 h 30 min`, `2 h`, `30 min`."""
    hours, minutes = divmod(int(duration.total_seconds()) // 60, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


class ScheduledFilter(admin.SimpleListFilter):
    title = "scheduled"
    parameter_name = "scheduled"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Scheduled"), ("no", "Not scheduled")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        live = Exists(Schedule.objects.live().filter(event=OuterRef("pk")))
        match self.value():
            case "yes":
                return queryset.filter(live)
            case "no":
                return queryset.filter(~live)
        return queryset


class PairingFilter(admin.SimpleListFilter):
    title = "pairing"
    parameter_name = "pairing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("paired", "Paired"), ("unpaired", "Supervisor without its Core event")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value():
            case "paired":
                return queryset.filter(core_event__isnull=False)
            case "unpaired":
                return queryset.filter(event_type=EventType.SUPERVISOR, core_event__isnull=True)
        return queryset


class ScheduleInline(admin.TabularInline):
    """This event's schedules, live and past. Read-only: writes go through the Schedule admin."""

    model = Schedule
    fields = ["employee", "start", "end", "created_by", "unscheduled_at", "unscheduled_by"]
    readonly_fields = ["employee", "start", "end", "created_by", "unscheduled_at", "unscheduled_by"]
    ordering = ["-start", "-id"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "schedules (change them in the Schedule admin)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Schedule]:
        return (
            super().get_queryset(request).select_related("employee", "created_by", "unscheduled_by")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventAdminForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "event_type" in self.fields:
            self.fields["event_type"].required = False
            self.fields["event_type"].help_text = "Leave blank to detect it from the project name."

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        if not cleaned_data.get("event_type") and cleaned_data.get("project_name"):
            cleaned_data["event_type"] = detect_event_type(cleaned_data["project_name"])
        return cleaned_data


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    list_display = [
        "project_name",
        "project_ref_num",
        "event_type",
        "condition",
        "store",
        "window",
        "duration",
        "paired_with",
        "scheduled_to",
        "never_auto_schedule",
    ]
    list_select_related = ["core_event", "supervisor_event"]
    list_editable = ["never_auto_schedule"]
    list_filter = [
        "event_type",
        "condition",
        ScheduledFilter,
        PairingFilter,
        "never_auto_schedule",
        ("start_datetime", admin.DateFieldListFilter),
        ("due_datetime", admin.DateFieldListFilter),
    ]
    search_fields = [
        "project_name",
        "project_ref_num__exact",
        "event_number",
        "store_number",
        "store_name",
    ]
    date_hierarchy = "start_datetime"
    autocomplete_fields = ["core_event"]
    readonly_fields = ["event_number", "duration", "last_synced_at", "created_at", "updated_at"]
    fieldsets = [
        (
            "Event",
            {
                "fields": [
                    "project_ref_num",
                    "project_name",
                    "event_number",
                    "event_type",
                    "condition",
                ]
            },
        ),
        ("Store", {"fields": ["store_number", "store_name", "location_id"]}),
        ("Window", {"fields": ["start_datetime", "due_datetime", "estimated_minutes", "duration"]}),
        ("Pairing", {"fields": ["core_event"]}),
        ("Auto-scheduler", {"fields": ["never_auto_schedule"]}),
        (
            "Planning system",
            {"fields": ["sales_tool_url", "last_synced_at", "created_at", "updated_at"]},
        ),
    ]
    inlines = [ScheduleInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        live = Schedule.objects.live().select_related("employee")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("schedules", queryset=live, to_attr="live_schedules"))
        )

    def get_inlines(self, request: HttpRequest, obj: Event | None) -> list[type[InlineModelAdmin]]:
        # A new event has no schedules yet.
        return [] if obj is None else [ScheduleInline]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Event], search_term: str
    ) -> tuple[QuerySet[Event], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The Schedule form's event picker offers only events that still need someone.
        if request.GET.get("model_name") == "schedule" and request.GET.get("field_name") == "event":
            queryset = queryset.exclude(
                Exists(Schedule.objects.live().filter(event=OuterRef("pk")))
            )
        return queryset, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        event_save(event=obj)

    @admin.display(description="store", ordering="store_number")
    def store(self, obj: Event) -> str:
        return f"{obj.store_number} {obj.store_name}".strip()

    @admin.display(description="may start", ordering="start_datetime")
    def window(self, obj: Event) -> str:
        return format_window(obj.start_datetime, obj.due_datetime)

    @admin.display(description="duration")
    def duration(self, obj: Event) -> str:
        if obj.pk is None:
            return "—"
        return format_duration(obj.duration)

    @admin.display(description="paired with")
    def paired_with(self, obj: Event) -> str:
        if obj.core_event is not None:
            return f"Core #{obj.core_event.project_ref_num}"
        supervisor = getattr(obj, "supervisor_event", None)
        if supervisor is not None:
            return f"Supervisor #{supervisor.project_ref_num}"
        return "—"

    @admin.display(description="scheduled to")
    def scheduled_to(self, obj: Event) -> str:
        live: list[Schedule] = getattr(obj, "live_schedules", [])
        if not live:
            return "—"
        schedule = live[0]
        return f"{schedule.employee.name}, {format_moment(schedule.start)}"
