import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import ngettext

from core.exceptions import ApplicationError
from scheduler import event_admin  # noqa: F401 (registers the Event admin)
from scheduler.models import AutoProposal, AutoRun, ChangeSource, Schedule, ScheduleChange
from scheduler.services import (
    schedule_check,
    schedule_create,
    schedule_reschedule,
    schedule_unschedule,
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
    """Event, employee and start; `end` is derived. The rules engine judges the form.

    Hard violations are form errors; warnings are too, until "acknowledge warnings" is
    ticked. Saving then goes through the same services as the pages and the API.
    """

    acknowledge_warnings = forms.BooleanField(
        required=False, help_text="Schedule despite the warnings listed above."
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        schedule: Schedule = self.instance
        # On the change form the event is read-only, so it is not among the fields.
        event = cleaned_data.get("event") if "event" in self.fields else schedule.event
        employee, start = cleaned_data.get("employee"), cleaned_data.get("start")
        if event is None or employee is None or start is None:
            return cleaned_data  # the missing field already has its error
        if schedule.pk is None and Schedule.objects.live().filter(event=event).exists():
            self.add_error(
                "event", "This event already has a live schedule; unschedule that one first."
            )
            return cleaned_data
        violations = schedule_check(
            event=event,
            employee=employee,
            start=start,
            ignore_schedules=[schedule.pk] if schedule.pk else [],
        )
        for violation in violations:
            if violation.is_hard:
                self.add_error(None, f"{violation.code.label}: {violation.message}")
            elif not cleaned_data.get("acknowledge_warnings"):
                self.add_error(None, f"Warning, {violation.code.label}: {violation.message}")
        self.warning_codes = [str(v.code) for v in violations if not v.is_hard]
        return cleaned_data


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
        (None, {"fields": ["event", "employee", "start", "ends", "acknowledge_warnings"]}),
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
        acknowledge = getattr(form, "warning_codes", [])
        by = _acting_user(request)
        if change:
            result = schedule_reschedule(
                schedule=Schedule.objects.select_related("event", "employee").get(pk=obj.pk),
                employee=obj.employee,
                start=obj.start,
                by=by,
                acknowledge=acknowledge,
                source=ChangeSource.ADMIN,
            )
        else:
            result = schedule_create(
                event=obj.event,
                employee=obj.employee,
                start=obj.start,
                by=by,
                acknowledge=acknowledge,
                source=ChangeSource.ADMIN,
            )
        # The admin goes on to log and redirect with `obj`, so it becomes the saved row.
        for field in Schedule._meta.concrete_fields:
            setattr(obj, field.attname, getattr(result.schedule, field.attname))
        obj._state.adding = False
        if result.supervisor is not None and result.supervisor.reason:
            self.message_user(
                request, f"Supervisor event: {result.supervisor.reason}", messages.WARNING
            )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            # The form ran the same checks a moment before; only a concurrent write gets
            # here. The transaction is rolled back: show why, then the form again.
            self.message_user(request, error.detail, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description="Unschedule selected", permissions=["change"])
    def unschedule(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        by = _acting_user(request)
        live = list(queryset.filter(unscheduled_at__isnull=True).select_related("event"))
        for schedule in live:
            schedule_unschedule(schedule=schedule, by=by, source=ChangeSource.ADMIN)
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


@admin.register(ScheduleChange)
class ScheduleChangeAdmin(admin.ModelAdmin):
    """The audit trail, read-only."""

    list_display = ["at", "action", "source", "event", "by", "note"]
    list_select_related = ["event", "by"]
    list_filter = ["action", "source", ("at", admin.DateFieldListFilter)]
    search_fields = ["event__project_name", "event__project_ref_num__exact", "by__username"]
    date_hierarchy = "at"
    fields = ("at", "action", "source", "event", "schedule", "by", "before", "after", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- the auto-scheduler ---------------------------------------------------------------


class AutoProposalInline(admin.TabularInline):
    model = AutoProposal
    extra = 0
    can_delete = False
    fields = ["event", "employee", "start", "status", "outcome"]
    readonly_fields = ["event", "employee", "start", "status", "outcome"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AutoProposal]:
        return super().get_queryset(request).select_related("event", "employee")


@admin.register(AutoRun)
class AutoRunAdmin(admin.ModelAdmin):
    """Runs are made by the auto-scheduler pages and command; here they are only read."""

    list_display = [
        "pk",
        "first_day",
        "last_day",
        "status",
        "placed_count",
        "unplaced_count",
        "applied_count",
        "refused_count",
        "started_by",
        "created_at",
    ]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["started_by"]
    # The optimality in words rather than its stored figures.
    readonly_fields = [
        *(f.name for f in AutoRun._meta.fields if f.name not in ("id", "optimality")),
        "plan_optimality",
    ]
    fields = tuple(readonly_fields)
    inlines = [AutoProposalInline]

    @admin.display(description="Optimality")
    def plan_optimality(self, obj: AutoRun) -> str:
        return obj.optimality_line or "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AutoProposal)
class AutoProposalAdmin(admin.ModelAdmin):
    list_display = ["pk", "run", "event", "employee", "start", "status", "outcome"]
    list_filter = ["status", "run"]
    list_select_related = ["run", "event", "employee"]
    search_fields = ["event__project_name", "employee__name"]
    readonly_fields = [f.name for f in AutoProposal._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
