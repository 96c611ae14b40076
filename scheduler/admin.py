import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import ngettext

from scheduler.models import Schedule
from scheduler.services import (
    schedule_create,
    schedule_end,
    schedule_unschedule,
    schedule_update,
    schedule_validate,
)


def _acting_user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%a %Y-%m-%d %H:%M}"


class LiveFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("unscheduled", "Unscheduled")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value():
            case "live":
                return queryset.filter(unscheduled_at__isnull=True)
            case "unscheduled":
                return queryset.filter(unscheduled_at__isnull=False)
        return queryset


class ScheduleAdminForm(forms.ModelForm):
    """Event, employee and start; `end` is derived.

    The whole model validation (including one live schedule per event) runs here, so
    a refusal shows on the form instead of failing in `save_model`.
    """

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        schedule: Schedule = self.instance
        # On the change form the event is read-only, so it is not among the fields.
        event = cleaned_data.get("event") if "event" in self.fields else schedule.event
        employee, start = cleaned_data.get("employee"), cleaned_data.get("start")
        if event is None or employee is None or start is None:
            return cleaned_data  # the missing field already has its error
        schedule.event, schedule.employee, schedule.start = event, employee, start
        schedule.end = schedule_end(event=event, start=start)
        try:
            schedule_validate(schedule=schedule)
        except ValidationError as error:
            self._add_model_errors(error)
        return cleaned_data

    def _add_model_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    form = ScheduleAdminForm
    list_display = ["when", "employee", "event", "event_type", "store", "live", "created_by"]
    list_select_related = ["employee", "event", "created_by"]
    list_filter = [LiveFilter, "event__event_type", ("start", admin.DateFieldListFilter)]
    search_fields = [
        "employee__name",
        "employee__external_id",
        "event__project_name",
        "event__project_ref_num__exact",
        "event__store_number",
    ]
    date_hierarchy = "start"
    autocomplete_fields = ["event", "employee"]
    fieldsets = [
        (None, {"fields": ["event", "employee", "start", "ends"]}),
        (
            "History",
            {
                "fields": [
                    "created_by",
                    "created_at",
                    "updated_at",
                    "unscheduled_at",
                    "unscheduled_by",
                    "external_schedule_id",
                ]
            },
        ),
    ]
    readonly_fields = [
        "ends",
        "created_by",
        "created_at",
        "updated_at",
        "unscheduled_at",
        "unscheduled_by",
        "external_schedule_id",
    ]
    actions = ["unschedule"]

    def get_readonly_fields(self, request: HttpRequest, obj: Schedule | None = None) -> list[str]:
        # A schedule stays on its event; to move the work elsewhere, unschedule it.
        return [*self.readonly_fields, "event"] if obj is not None else list(self.readonly_fields)

    def has_change_permission(self, request: HttpRequest, obj: Schedule | None = None) -> bool:
        # An unscheduled row is history: it can be viewed, not changed.
        if obj is not None and not obj.is_live:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Schedule, form: Any, change: bool) -> None:
        if change:
            schedule_update(schedule=obj, employee=obj.employee, start=obj.start)
            return
        created = schedule_create(
            event=obj.event,
            employee=obj.employee,
            start=obj.start,
            created_by=_acting_user(request),
        )
        # The admin goes on to log and redirect with `obj`, so it becomes the saved row.
        for field in Schedule._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The form ran the same checks a moment before; only a concurrent write gets
            # here. The transaction is rolled back: show why, then the form again.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description="Unschedule selected", permissions=["change"])
    def unschedule(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        by = _acting_user(request)
        live = list(queryset.filter(unscheduled_at__isnull=True).select_related("event"))
        for schedule in live:
            schedule_unschedule(schedule=schedule, by=by)
        self.message_user(
            request,
            ngettext(
                "%(count)d schedule unscheduled.", "%(count)d schedules unscheduled.", len(live)
            )
            % {"count": len(live)},
            messages.SUCCESS,
        )

    @admin.display(description="when (store time)", ordering="start")
    def when(self, obj: Schedule) -> str:
        start, end = timezone.localtime(obj.start), timezone.localtime(obj.end)
        until = f"{end:%H:%M}" if end.date() == start.date() else _local(end)
        return f"{_local(start)}-{until}"

    @admin.display(description="end")
    def ends(self, obj: Schedule) -> str:
        if obj.pk is None:
            return "Set on save: the start plus the event's duration."
        return _local(obj.end)

    @admin.display(description="type", ordering="event__event_type")
    def event_type(self, obj: Schedule) -> str:
        return obj.event.get_event_type_display()

    @admin.display(description="store", ordering="event__store_number")
    def store(self, obj: Schedule) -> str:
        return obj.event.store_number

    @admin.display(description="live", boolean=True, ordering="unscheduled_at")
    def live(self, obj: Schedule) -> bool:
        return obj.is_live
