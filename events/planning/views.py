"""Manager pages of the planning-system integration: run a sync from the dashboard,
import a CSV export (upload → dry-run preview → confirm), export schedules as CSV."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.exceptions import ApplicationError
from core.features import get_feature, require_feature
from core.roles import manager_required
from events.planning.csv_io import MAX_CSV_BYTES, csv_import, export_rows, write_csv
from events.planning.sync import default_interval, sync_run

SESSION_KEY = "events_csv_import"
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
    date_from = forms.DateField(label="From", widget=DateInput)
    date_to = forms.DateField(label="To", widget=DateInput)

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
    return render(request, "events/planning.html", context, status=status)


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def csv_import_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    if request.POST.get("confirm"):
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("digest") != request.POST.get("confirm"):
            messages.error(request, "That preview has expired; upload the file again.")
            return redirect("planning-import")
        data = base64.b64decode(stored["data"])
        outcome, run = csv_import(data=data, dry_run=False, by=request.user)
        del request.session[SESSION_KEY]
        return _page(request, outcome=outcome, run=run, name=stored.get("name", ""))
    form = CsvUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload=form, status=400)
    data = form.cleaned_data["file"]
    try:
        outcome, _ = csv_import(data=data, dry_run=True, by=request.user)
    except ApplicationError as exc:
        form.add_error("file", exc.detail)
        return _page(request, upload=form, status=400)
    digest = hashlib.sha256(data).hexdigest()
    name = getattr(request.FILES.get("file"), "name", "")
    request.session[SESSION_KEY] = {
        "digest": digest,
        "name": name,
        "data": base64.b64encode(data).decode("ascii"),
    }
    return _page(request, outcome=outcome, preview=True, digest=digest, name=name)


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
