from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from sessions_ext.client import describe_user_agent
from sessions_ext.models import UserSession
from sessions_ext.services import session_revoke_as_staff


class ActiveFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "active":
            return queryset.filter(expire_date__gt=timezone.now())
        if self.value() == "expired":
            return queryset.filter(expire_date__lte=timezone.now())
        return queryset


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin[UserSession]):
    """Read-only: staff see every session and can revoke (delete) them."""

    list_display = (
        "user",
        "device",
        "ip_address",
        "created_at",
        "last_activity",
        "expire_date",
        "active",
    )
    list_filter = (ActiveFilter, "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "ip_address", "user_agent")
    date_hierarchy = "last_activity"
    ordering = ("-last_activity",)
    fields = (
        "public_id",
        "user",
        "ip_address",
        "user_agent",
        "created_at",
        "last_activity",
        "expire_date",
    )
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="device")
    def device(self, obj: UserSession) -> str:
        return describe_user_agent(obj.user_agent)

    @admin.display(boolean=True, description="active")
    def active(self, obj: UserSession) -> bool:
        return not obj.is_expired

    @admin.action(description="Revoke (sign out) selected sessions", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[UserSession]) -> None:
        count = session_revoke_as_staff(by=request.user, sessions=queryset)
        self.message_user(request, f"Revoked {count} session(s).", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
