"""Manager pages of the planning-system integration: run a sync from the dashboard,
import a CSV export (upload → dry-run preview → confirm, both as background tasks
that the page follows with a progress bar), export schedules as CSV."""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.exceptions import ApplicationError
from core.features import get_feature, require_feature
from core.fields import DayFormField
from core.roles import manager_required
from planning.csv_io import MAX_CSV_BYTES, export_rows, write_csv
from planning.imports import STAGES, csv_import_confirm, csv_import_start
from planning.models import CsvImport
from planning.sync import default_interval, sync_run

MAX_EXPORT_DAYS = 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="Planning-system CSV export",
        help_text="The CSV file the planning system exports (Project Name, Project Reference "
        "Number, …; see docs/planning-system.md).",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        data: bytes = upload.read()
        return data


class ExportForm(forms.Form):
    date_from = DayFormField(label="From", widget=DateInput)
    date_to = DayFormField(label="To", widget=DateInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                self.add_error("date_to", "Must not be before the first day.")
            elif (end - start).days > MAX_EXPORT_DAYS:
                self.add_error("date_to", "At most one year at a time.")
        return data


@manager_required
@require_POST
@require_feature("sync")
def sync_now(request: HttpRequest) -> HttpResponse:
    start, end = default_interval()
    try:
        run = sync_run(start=start, end=end, trigger="page", by=request.user)
    except ApplicationError as exc:
        messages.error(request, f"Sync failed: {exc.detail}")
    else:
        messages.success(
            request,
            f"Synced {start:%b %d} to {end:%b %d}: {run.created} new, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.skipped} skipped, {run.conflicts} conflicts.",
        )
    return redirect("home")


def _page(request: HttpRequest, **context: object) -> HttpResponse:
    today = timezone.localdate()
    context.setdefault("upload", CsvUploadForm())
    context.setdefault(
        "export", ExportForm(initial={"date_from": today, "date_to": today + dt.timedelta(days=6)})
    )
    context.setdefault("sync_enabled", get_feature("sync").enabled)
    status = int(context.pop("status", 200))  # type: ignore[call-overload]
    return render(request, "planning/planning.html", context, status=status)


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def csv_import_page(request: HttpRequest) -> HttpResponse:
    """The upload: the cheap checks here, then the preview runs as a background task."""
    if request.method != "POST":
        return _page(request)
    form = CsvUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload=form, status=400)
    name = getattr(request.FILES.get("file"), "name", "")
    try:
        upload = csv_import_start(data=form.cleaned_data["file"], name=name, by=request.user)
    except ApplicationError as exc:
        form.add_error("file", exc.detail)
        return _page(request, upload=form, status=400)
    return redirect("planning-import-detail", pk=upload.pk)


def _own_upload(request: HttpRequest, pk: int) -> CsvImport:
    """An upload of the signed-in manager (another's is a 404, as a session's was)."""
    return get_object_or_404(CsvImport.objects.defer("data"), pk=pk, created_by=request.user)


@manager_required
@require_safe
def csv_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while the task works, then the preview (or the result) and its report."""
    upload = _own_upload(request, pk)
    context: dict[str, object] = {"upload_row": upload, "name": upload.name}
    if upload.state in (CsvImport.State.PREVIEWED, CsvImport.State.IMPORTED):
        report = upload.report
        context["outcome"] = {**report.get("counts", {}), "errors": report.get("errors", [])}
        context["preview"] = upload.state == CsvImport.State.PREVIEWED
        context["run"] = upload.run
    return _page(request, **context)


@manager_required
@require_safe
def csv_import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress of an upload's preview or import for the page's progress bar (one query)."""
    upload = _own_upload(request, pk)
    return JsonResponse(
        {
            "state": upload.state,
            "stage": STAGES.get(upload.stage, upload.get_state_display()),
            "done": upload.progress_done,
            "total": upload.progress_total,
            "percent": upload.percent,
            "finished": not upload.is_working,
        }
    )


@manager_required
@require_POST
def csv_import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _own_upload(request, pk)
    try:
        csv_import_confirm(upload=upload)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
        return redirect("planning-import")
    return redirect("planning-import-detail", pk=upload.pk)


@manager_required
@require_safe
def csv_export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, export=form, status=400)
    first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    buffer = io.StringIO()
    write_csv(export_rows(first=first, last=last), buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="schedules-{first:%Y-%m-%d}-{last:%Y-%m-%d}.csv"'
    )
    return response
