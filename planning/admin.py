"""Admin of the planning-system integration: sync runs and the push outbox, read-only."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from planning.models import PendingPush, PushState, SyncRun

# --- planning-system sync (issue 9): runs and the push outbox, read-only -----------------


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "trigger",
        "status",
        "interval_start",
        "interval_end",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "conflicts",
        "schedules_imported",
        "marked_missing",
    ]
    list_filter = ["kind", "status", "trigger"]
    list_select_related = ["started_by"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in SyncRun._meta.fields if f.name != "errors"] + ["error_list"]
    exclude = ["errors"]

    @admin.display(description="skipped rows and conflicts")
    def error_list(self, obj: SyncRun) -> str:
        from django.utils.html import format_html_join

        return (
            format_html_join(
                "\n",
                "<div>record {} (ref {}) · {}: {}</div>",
                ((e.get("row"), e.get("ref"), e.get("kind"), e.get("reason")) for e in obj.errors),
            )
            or "—"
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PendingPush)
class PendingPushAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "action",
        "event",
        "schedule",
        "state",
        "attempts",
        "next_attempt_at",
        "external_schedule_id",
        "last_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "action"]
    list_select_related = ["event", "schedule__employee", "schedule__event"]
    search_fields = ["event__project_name", "event__project_ref_num__exact", "external_schedule_id"]
    readonly_fields = [f.name for f in PendingPush._meta.fields]
    actions = ["retry_now"]

    @admin.action(description="Send again now (failed or waiting pushes)")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[PendingPush]) -> None:
        from planning.push import push_retry

        done = 0
        for push in queryset.filter(state__in=[PushState.FAILED, PushState.PENDING]):
            push_retry(push=push)
            done += 1
        self.message_user(request, f"{done} push(es) queued again.")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
