import calendar
import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from employees.hooks import deactivation_notes
from employees.models import (
    WEEKDAY_FIELDS,
    CompanyHoliday,
    Employee,
    Rotation,
    RotationException,
    TimeOff,
    UnavailableDate,
    Weekday,
)

EMPLOYEE_SEARCH_FIELDS = (
    "employee__name",
    "employee__external_id",
    "employee__email",
)


def _weekday_abbr(day: dt.date) -> str:
    return calendar.day_abbr[day.weekday()]


# --- Employee -------------------------------------------------------------------------


class AvailableOnFilter(admin.SimpleListFilter):
    """Employees who work a given weekday as a rule."""

    title = "available on"
    parameter_name = "available_on"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), label) for value, label in Weekday.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None or not value.isdigit() or int(value) >= len(WEEKDAY_FIELDS):
            return queryset
        return queryset.filter(**{WEEKDAY_FIELDS[int(value)]: True})


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    fields = ["start_date", "end_date", "reason"]
    extra = 0
    ordering = ["-start_date"]


class UnavailableDateInline(admin.TabularInline):
    model = UnavailableDate
    fields = ["date", "reason"]
    extra = 0
    ordering = ["-date"]


class EmployeeAdminForm(forms.ModelForm):
    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        # The database compares emails case-insensitively (employee_email_unique_ci);
        # say so in words rather than with the constraint's name.
        if (
            email
            and Employee.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError("Another employee already has this email address.")
        return email


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    form = EmployeeAdminForm
    list_display = [
        "name",
        "external_id",
        "job_title",
        "is_active",
        "weekly_availability",
        "phone",
        "email",
        "termination_date",
        "user",
    ]
    list_select_related = ["user"]
    list_filter = [
        "is_active",
        "job_title",
        AvailableOnFilter,
        ("termination_date", admin.DateFieldListFilter),
        ("user", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "external_id", "email", "phone", "rep_id__exact"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        ("Identity", {"fields": ["external_id", "rep_id", "name", "email", "phone"]}),
        ("Job", {"fields": ["job_title", "is_active", "termination_date"]}),
        (
            "Weekly availability",
            {
                "fields": [WEEKDAY_FIELDS],
                "description": "The weekdays this employee works as a rule.",
            },
        ),
        ("Account", {"fields": ["user"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [TimeOffInline, UnavailableDateInline]
    actions = ["deactivate", "activate"]

    @admin.display(description="works")
    def weekly_availability(self, obj: Employee) -> str:
        days = " ".join(calendar.day_abbr[i] for i in sorted(obj.available_weekdays))
        return days or "—"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Employee], search_term: str
    ) -> tuple[QuerySet[Employee], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The Schedule form's employee picker offers only people who can be scheduled.
        if (
            request.GET.get("model_name") == "schedule"
            and request.GET.get("field_name") == "employee"
        ):
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Employee], active: bool) -> None:
        changed = queryset.exclude(is_active=active).update(
            is_active=active, updated_at=timezone.now()
        )
        verb = "activated" if active else "deactivated"
        self.message_user(
            request,
            ngettext("%(count)d employee %(verb)s.", "%(count)d employees %(verb)s.", changed)
            % {"count": changed, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description="Deactivate selected employees", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Employee]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        self._set_active(request, queryset, active=False)
        for note in deactivation_notes(ids, timezone.localdate()):
            self.message_user(
                request,
                format_html('{} <a href="{}">{}</a>', note.message, note.url, note.link_text),
                messages.WARNING,
            )

    @admin.action(description="Activate selected employees", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Employee]) -> None:
        self._set_active(request, queryset, active=True)


# --- Time off and unavailable dates ---------------------------------------------------


class PeriodFilter(admin.SimpleListFilter):
    """Past, current or upcoming, relative to today in the store's time zone."""

    title = "period"
    parameter_name = "period"
    start_field = "start_date"
    end_field = "end_date"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("current", "Today"), ("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        start, end = self.start_field, self.end_field
        match self.value():
            case "current":
                return queryset.filter(**{f"{start}__lte": today, f"{end}__gte": today})
            case "upcoming":
                return queryset.filter(**{f"{start}__gt": today})
            case "past":
                return queryset.filter(**{f"{end}__lt": today})
        return queryset


class DatePeriodFilter(PeriodFilter):
    start_field = end_field = "date"


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["employee", "start_date", "end_date", "days", "reason"]
    list_select_related = ["employee"]
    list_filter = [PeriodFilter]
    search_fields = [*EMPLOYEE_SEARCH_FIELDS, "reason"]
    autocomplete_fields = ["employee"]
    date_hierarchy = "start_date"
    fields = ["employee", ("start_date", "end_date"), "reason", "created_at"]
    readonly_fields = ["created_at"]
    ordering = ["-start_date", "id"]

    @admin.display(description="days")
    def days(self, obj: TimeOff) -> int:
        return (obj.end_date - obj.start_date).days + 1


@admin.register(UnavailableDate)
class UnavailableDateAdmin(admin.ModelAdmin):
    list_display = ["employee", "date", "weekday", "reason"]
    list_select_related = ["employee"]
    list_filter = [DatePeriodFilter]
    search_fields = [*EMPLOYEE_SEARCH_FIELDS, "reason"]
    autocomplete_fields = ["employee"]
    date_hierarchy = "date"
    fields = ["employee", "date", "reason"]
    ordering = ["-date", "id"]

    @admin.display(description="weekday")
    def weekday(self, obj: UnavailableDate) -> str:
        return _weekday_abbr(obj.date)


# --- Company holidays -----------------------------------------------------------------


class HolidayKindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("fixed", "One-off date"), ("recurring", "Every year")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value():
            case "fixed":
                return queryset.filter(date__isnull=False)
            case "recurring":
                return queryset.filter(date__isnull=True)
        return queryset


class CompanyHolidayAdminForm(forms.ModelForm):
    month = forms.TypedChoiceField(
        choices=[("", "---------")] + [(i, calendar.month_name[i]) for i in range(1, 13)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="For a holiday that recurs every year.",
    )
    day = forms.IntegerField(min_value=1, max_value=31, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        date = cleaned_data.get("date")
        month, day = cleaned_data.get("month"), cleaned_data.get("day")
        if date is not None and (month is not None or day is not None):
            self.add_error("date", "Give either a date or a month and a day, not both.")
        elif date is None and (month is None or day is None):
            missing = "day" if month is not None else "month" if day is not None else "date"
            self.add_error(
                missing, "Give a date for a one-off holiday, or a month and a day for a yearly one."
            )
        return cleaned_data


@admin.register(CompanyHoliday)
class CompanyHolidayAdmin(admin.ModelAdmin):
    form = CompanyHolidayAdminForm
    list_display = ["name", "when", "next_on"]
    list_filter = [HolidayKindFilter, ("date", admin.DateFieldListFilter)]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name"]}),
        ("One-off", {"fields": ["date"]}),
        ("Every year", {"fields": [("month", "day")]}),
    ]

    @admin.display(description="when")
    def when(self, obj: CompanyHoliday) -> str:
        if obj.date is not None:
            return f"{_weekday_abbr(obj.date)} {obj.date:%Y-%m-%d}"
        return f"every {calendar.month_abbr[obj.month or 1]} {obj.day}"

    @admin.display(description="next on")
    def next_on(self, obj: CompanyHoliday) -> str:
        today = timezone.localdate()
        if obj.date is not None:
            return f"{obj.date:%Y-%m-%d}" if obj.date >= today else "—"
        for year in range(today.year, today.year + 8):  # 29 February: within 8 years
            try:
                day = dt.date(year, obj.month or 1, obj.day or 1)
            except ValueError:
                continue
            if day >= today:
                return f"{_weekday_abbr(day)} {day:%Y-%m-%d}"
        return "—"


# --- Rotations ------------------------------------------------------------------------


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = ["weekday", "kind", "employee", "employee_job_title"]
    list_select_related = ["employee"]
    list_filter = ["weekday", "kind"]
    search_fields = list(EMPLOYEE_SEARCH_FIELDS)
    autocomplete_fields = ["employee"]
    fields = ["weekday", "kind", "employee"]

    @admin.display(description="job title", ordering="employee__job_title")
    def employee_job_title(self, obj: Rotation) -> str:
        return obj.employee.get_job_title_display()


@admin.register(RotationException)
class RotationExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "employee", "reason"]
    list_select_related = ["employee"]
    list_filter = [DatePeriodFilter, "kind"]
    search_fields = [*EMPLOYEE_SEARCH_FIELDS, "reason"]
    autocomplete_fields = ["employee"]
    date_hierarchy = "date"
    fields = ["date", "kind", "employee", "reason"]
    ordering = ["-date", "kind"]

    @admin.display(description="weekday")
    def weekday(self, obj: RotationException) -> str:
        return _weekday_abbr(obj.date)
