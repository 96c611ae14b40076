from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from paperwork.forms import PaperworkFormAdminForm
from paperwork.models import EventReport, PacketBuild, PaperworkForm, PortalSession
from paperwork.services import paperwork_form_save


@admin.register(PaperworkForm)
class PaperworkFormAdmin(admin.ModelAdmin[PaperworkForm]):
    form = PaperworkFormAdminForm
    list_display = ["title", "position", "is_active", "page_count", "types", "uploaded_at"]
    list_editable = ["position", "is_active"]
    readonly_fields = ("file_name", "page_count", "uploaded_at")
    fields = ("title", "upload", "event_types", "position", "is_active", *readonly_fields)

    @admin.display(description="Printed for")
    def types(self, obj: PaperworkForm) -> str:
        return ", ".join(obj.event_type_labels)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("pdf")

    def save_model(self, request: HttpRequest, obj: PaperworkForm, form: Any, change: bool) -> None:
        obj.event_types = list(form.cleaned_data["event_types"])
        paperwork_form_save(form=obj, upload=form.cleaned_data.get("upload"))


@admin.register(PortalSession)
class PortalSessionAdmin(admin.ModelAdmin[PortalSession]):
    """Who is signed in to the retailer portal; delete a row to revoke it. The cookies
    and token are encrypted and never shown."""

    list_display = ["user", "state", "signed_in_at", "expires_at"]
    list_select_related = ["user"]
    fields = ("user", "state", "failure_count", "started_at", "signed_in_at", "expires_at")
    readonly_fields = fields
    actions = ["delete_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EventReport)
class EventReportAdmin(admin.ModelAdmin[EventReport]):
    list_display = ["event_number", "status", "fetched_at", "fetched_by"]
    list_select_related = ["fetched_by"]
    search_fields = ["event_number"]
    readonly_fields = ["event_number", "status", "report", "fetched_at", "fetched_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PacketBuild)
class PacketBuildAdmin(admin.ModelAdmin[PacketBuild]):
    list_display = ["day", "event", "requested_by", "status", "page_count", "created_at"]
    list_select_related = ["event", "requested_by"]
    readonly_fields = [
        "day", "event", "requested_by", "status", "progress_done", "progress_total",
        "problems", "page_count", "error", "created_at", "finished_at",
    ]  # fmt: skip
    exclude = ["pdf"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("pdf")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
