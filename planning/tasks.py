"""Background tasks of the events app (django-tasks; a worker runs them in production)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def deliver_pushes() -> dict[str, int]:
    """Send the due rows of the push outbox to the planning system."""
    from planning.push import push_deliver

    return push_deliver()


@task()
def sync_events(days_back: int | None = None, days_ahead: int | None = None) -> dict[str, Any]:
    """A periodic sync of the default interval (around today); returns the run's counts."""
    import datetime as dt

    from django.utils import timezone

    from planning.sync import default_interval, sync_run

    start, end = default_interval()
    today = timezone.localdate()
    if days_back is not None:
        start = today - dt.timedelta(days=days_back)
    if days_ahead is not None:
        end = today + dt.timedelta(days=days_ahead)
    run = sync_run(start=start, end=end, trigger="task")
    return {"run": run.pk, "status": run.status}


@task()
def preview_csv_import(pk: int) -> dict[str, Any]:
    """The dry run of an uploaded CSV export; its row report lands on the CsvImport row."""
    from planning.imports import csv_import_preview

    upload = csv_import_preview(pk=pk)
    return {"import": upload.pk, "state": upload.state}


@task()
def execute_csv_import(pk: int) -> dict[str, Any]:
    """The import of a confirmed CSV preview; recorded as a SyncRun."""
    from planning.imports import csv_import_execute

    upload = csv_import_execute(pk=pk)
    return {"import": upload.pk, "state": upload.state}
