"""Self-service in the admin: employees' accounts (create, send a set-password link),
time-off requests, calendar feeds, week publications and the notification outbox."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.exceptions import ApplicationError
from selfservice.models import (
    CalendarFeed,
    EmployeeAccount,
    Notice,
    NoticeState,
    TimeOffRequest,
    WeekPublication,
)
from selfservice.notices import notice_retry
from selfservice.services import employee_account_create, employee_account_send_link


class HasAccountFilter(admin.SimpleListFilter):
    title = "account"
    parameter_name = "account"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Has an account"), ("no", "No account")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(user__isnull=False)
        if self.value() == "no":
            return queryset.filter(user__isnull=True)
        return queryset


@admin.register(EmployeeAccount)
class EmployeeAccountAdmin(admin.ModelAdmin):
    """Select employees, then "Create accounts and email a set-password link"."""

    list_display = ["name", "external_id", "email", "is_active", "username", "last_login"]
    list_filter = [HasAccountFilter, "is_active", "job_title"]
    search_fields = ["name", "external_id", "email"]
    list_select_related = ["user"]
    actions = ["create_accounts", "send_links"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Actions normally need the change permission; here they are staff's work.
        actions = super().get_actions(request)
        if not request.user.is_staff:
            return {}
        return actions

    @admin.display(description="username")
    def username(self, obj: EmployeeAccount) -> str:
        return obj.user.get_username() if obj.user else "—"

    @admin.display(description="last sign-in")
    def last_login(self, obj: EmployeeAccount) -> Any:
        return obj.user.last_login if obj.user else None

    def _each(self, request: HttpRequest, queryset: QuerySet[Any], service: Any, done: str) -> None:
        base_url = request.build_absolute_uri("/")
        ok: list[str] = []
        for employee in queryset.order_by("name", "id"):
            try:
                service(employee_id=employee.pk, base_url=base_url)
            except ApplicationError as exc:
                self.message_user(request, exc.detail, messages.WARNING)
            else:
                ok.append(employee.name)
        if ok:
            self.message_user(request, f"{done}: {', '.join(ok)}.", messages.SUCCESS)

    @admin.action(description="Create accounts and email a set-password link")
    def create_accounts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(request, queryset, employee_account_create, "Account made and link sent")

    @admin.action(description="Email a new set-password link")
    def send_links(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(request, queryset, employee_account_send_link, "Link sent")


@admin.register(TimeOffRequest)
class TimeOffRequestAdmin(admin.ModelAdmin):
    list_display = ["employee", "start_date", "end_date", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["employee__name", "employee__external_id"]
    list_select_related = ["employee", "decided_by"]
    readonly_fields = [f.name for f in TimeOffRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # employees ask from /me/requests/; managers decide at /requests/


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who has a calendar link (never the link itself). Deleting one ends its link."""

    list_display = ["__str__", "created_at"]
    list_select_related = ["employee", "user"]
    fields = ["employee", "user", "created_at"]
    readonly_fields = ["employee", "user", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "state", "attempts", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient", "employee__name", "subject"]
    list_select_related = ["employee"]
    # `told` is the change notice's bookkeeping (what the employee was told), not for people.
    readonly_fields = [f.name for f in Notice._meta.fields if f.name != "told"]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Send again now")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notice]) -> None:
        count = 0
        for notice in queryset.exclude(state__in=[NoticeState.SENT, NoticeState.SKIPPED]):
            notice_retry(notice=notice)
            count += 1
        self.message_user(request, f"{count} notice(s) queued again.", messages.SUCCESS)


PUBLICATION_FIELDS = (
    "week_start",
    "number",
    "published_at",
    "published_by",
    "schedules",
    "employees_changed",
    "added",
    "moved",
    "removed",
    "digests",
)


@admin.register(WeekPublication)
class WeekPublicationAdmin(admin.ModelAdmin):
    """Who published which week, when, and what it sent (managers publish from the week
    view). History: nothing here is added, changed or deleted by hand."""

    list_display = [
        "__str__",
        "number",
        "published_at",
        "published_by",
        "employees_changed",
        "added",
        "moved",
        "removed",
        "digests",
    ]
    list_select_related = ["published_by"]
    date_hierarchy = "week_start"
    fields = PUBLICATION_FIELDS
    readonly_fields = PUBLICATION_FIELDS  # history: nothing here is edited

    @admin.display(description="schedules published")
    def schedules(self, obj: WeekPublication) -> int:
        return len(obj.snapshot or [])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
