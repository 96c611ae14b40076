"""The CSV import page's work, off the request: upload → preview task → confirm → import task.

The request only stores the upload (after the cheap checks: size, text, columns) and
enqueues the preview; the page then polls the `CsvImport` row's progress. The preview
is the dry run of csv_io (everything inside a transaction that is rolled back), so it
is exactly what the import will do; confirming moves the row from "previewed" to
"importing" once (a second confirm finds nothing to move) and enqueues the import.

Progress is written on its own database connection: the dry run's transaction would
otherwise hide it from the page until the end (and then roll it back). On SQLite (a
single writer) the page shows the progress only when a stage ends outside the dry run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.exceptions import ApplicationError, InvalidInputError
from planning.csv_io import MAX_FIELD_CHARS, REQUIRED_COLUMNS, csv_import, decode_csv
from planning.models import CsvImport, SyncRun
from planning.outcome import Outcome, Progress
from planning.sync import MAX_ERRORS_STORED

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.5

STAGES = {
    "events": "Reading the events",
    "pairing": "Pairing Supervisor and Core events",
    "schedules": "Checking the schedules against the rules",
}


def preview_ttl() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CSV_IMPORT_PREVIEW_MINUTES)


def check_export(data: bytes) -> None:
    """The cheap checks, in the request: size, text, the export's columns."""
    text = decode_csv(data)
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:  # the header row has a field over the csv module's limit
        raise InvalidInputError(
            f"The first row has a field over {MAX_FIELD_CHARS:,} characters."
        ) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in {h.strip() for h in header}]
    if missing:
        raise InvalidInputError(
            "This is not a planning-system export: missing column(s) " + ", ".join(missing) + "."
        )


def csv_import_start(*, data: bytes, name: str, by: Any) -> CsvImport:
    """Store an upload and enqueue its preview (after commit)."""
    check_export(data)
    from planning.tasks import preview_csv_import

    with transaction.atomic():
        upload = CsvImport(
            created_by=by if getattr(by, "is_authenticated", False) else None,
            expires_at=timezone.now() + preview_ttl(),
            name=name[:255],
            data=data,
            size=len(data),
        )
        upload.full_clean(exclude=["data"])
        upload.save()
        transaction.on_commit(lambda: preview_csv_import.enqueue(upload.pk), robust=False)
    return upload


def csv_import_confirm(*, upload: CsvImport) -> CsvImport:
    """Start the import of a previewed upload, once; anything else is refused."""
    from planning.tasks import execute_csv_import

    with transaction.atomic():
        moved = CsvImport.objects.filter(
            pk=upload.pk, state=CsvImport.State.PREVIEWED, expires_at__gt=timezone.now()
        ).update(
            state=CsvImport.State.IMPORTING,
            stage="",
            progress_done=0,
            progress_total=0,
            expires_at=timezone.now() + preview_ttl(),  # the result stays readable as long
        )
        if not moved:
            raise InvalidInputError(
                "That preview has expired or was already imported; upload the file again.",
                code="preview_expired",
            )
        transaction.on_commit(lambda: execute_csv_import.enqueue(upload.pk), robust=False)
    upload.refresh_from_db()
    return upload


def _expired(now: dt.datetime) -> QuerySet[CsvImport]:
    return CsvImport.objects.filter(expires_at__lte=now).exclude(state=CsvImport.State.IMPORTING)


def csv_imports_delete_expired(now: dt.datetime) -> int:
    """Delete uploads past their expiry that are not being imported (cleanup command):
    abandoned previews with their files, and old results."""
    deleted, _ = _expired(now).delete()
    return deleted


def csv_imports_count_expired(now: dt.datetime) -> int:
    return _expired(now).count()


@contextmanager
def _progress_writer(pk: int) -> Iterator[Progress]:
    """A progress callback that writes at most every PROGRESS_EVERY_SECONDS, on its own
    connection (PostgreSQL), so the page sees it while the dry run's transaction is open."""
    own = None
    if connections["default"].vendor == "postgresql":
        own = connections.create_connection("default")
    last = 0.0

    def write(stage: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done < total and now - last < PROGRESS_EVERY_SECONDS:
            return
        last = now
        values = {"stage": stage, "progress_done": done, "progress_total": total}
        if own is None:
            if not transaction.get_connection().in_atomic_block:
                CsvImport.objects.filter(pk=pk).update(**values)
            return
        try:
            with own.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {CsvImport._meta.db_table} "  # noqa: S608 (a model's table name)
                    "SET stage = %s, progress_done = %s, progress_total = %s WHERE id = %s",
                    [stage, done, total, pk],
                )
        except DatabaseError:
            logger.warning("Could not write the progress of CSV import %s", pk)

    try:
        yield write
    finally:
        if own is not None:
            own.close()


def _report(outcome: Outcome) -> dict[str, Any]:
    return {
        "counts": outcome.counts(),
        "errors": [e.as_dict() for e in outcome.errors[:MAX_ERRORS_STORED]],
        "errors_total": len(outcome.errors),
    }


def _fail(pk: int, exc: Exception) -> None:
    if isinstance(exc, ApplicationError):
        failure, error_id = str(exc.detail), exc.error_id
    else:
        failure, error_id = "Something went wrong on our side; nothing was written.", ""
    CsvImport.objects.filter(pk=pk).update(
        state=CsvImport.State.FAILED,
        failure=failure[:300],
        error_id=error_id,
        finished_at=timezone.now(),
    )


def _run_csv_import(upload: CsvImport, *, dry_run: bool) -> tuple[Outcome, SyncRun | None] | None:
    """`csv_import` of the upload's file with its progress written as it goes; on failure
    the upload is marked failed (and the unexpected logged) and None returned."""
    try:
        with _progress_writer(upload.pk) as progress:
            return csv_import(
                data=bytes(upload.data), dry_run=dry_run, by=upload.created_by, progress=progress
            )
    except Exception as exc:
        _fail(upload.pk, exc)
        if not isinstance(exc, ApplicationError):
            what = "preview" if dry_run else "import"
            logger.exception("CSV import %s: the %s failed", upload.pk, what)
        return None


def csv_import_preview(*, pk: int) -> CsvImport:
    """The task's body: the dry run, its row report stored on the upload."""
    upload = CsvImport.objects.get(pk=pk)
    if upload.state != CsvImport.State.PREVIEWING:
        return upload
    done = _run_csv_import(upload, dry_run=True)
    if done is not None:
        outcome, _ = done
        CsvImport.objects.filter(pk=pk, state=CsvImport.State.PREVIEWING).update(
            state=CsvImport.State.PREVIEWED,
            report=_report(outcome),
            progress_done=outcome.fetched,
            progress_total=outcome.fetched,
            finished_at=timezone.now(),
        )
    upload.refresh_from_db()
    return upload


def csv_import_execute(*, pk: int) -> CsvImport:
    """The task's body: the import itself, recorded as a SyncRun; the file is dropped."""
    upload = CsvImport.objects.get(pk=pk)
    if upload.state != CsvImport.State.IMPORTING:
        return upload
    done = _run_csv_import(upload, dry_run=False)
    if done is not None:
        outcome, run = done
        CsvImport.objects.filter(pk=pk).update(
            state=CsvImport.State.IMPORTED,
            report=_report(outcome),
            run=run,
            data=b"",
            finished_at=timezone.now(),
        )
    upload.refresh_from_db()
    return upload
