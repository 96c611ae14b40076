"""CSV import of the planning system's export and CSV export of schedules (docs/planning-system.md).

Import: the csv module reads the file (any of UTF-8 with or without BOM, or the
encoding charset-normalizer finds), each row is mapped and validated like an API
record, and the rows go through the same pipeline as a sync (upsert, pairing, schedule
import through the rules engine). A dry run does all of it inside a transaction that is
rolled back: the preview is exactly what the import will do, and it writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.dates import days_range
from core.exceptions import InvalidInputError
from planning.models import SyncRun
from planning.outcome import Progress, no_progress
from planning.records import CSV_COLUMNS, RecordError, UpstreamEvent, map_csv_row, ref_of
from planning.sync import Outcome, apply_records, finish_run

MAX_CSV_BYTES = 5 * 1024 * 1024
# The csv module's own limit (csv.field_size_limit()): a longer field is refused.
MAX_FIELD_CHARS = csv.field_size_limit()
REQUIRED_COLUMNS = ("Project Name", "Project Reference Number", "Start Date/Time", "Due Date/Time")


class _DryRunRollback(Exception):
    pass


def decode_csv(data: bytes) -> str:
    if len(data) > MAX_CSV_BYTES:
        raise InvalidInputError(f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise InvalidInputError("The file is not text (CSV).") from None
        return str(best)


def parse_csv(text: str, outcome: Outcome) -> list[UpstreamEvent]:
    """Rows → records; refused rows are reported with their line number."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error:  # the header row has a field over the csv module's limit
        raise InvalidInputError(
            f"The first row has a field over {MAX_FIELD_CHARS:,} characters."
        ) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInputError(
            "This is not a planning-system export: missing column(s) " + ", ".join(missing) + "."
        )
    reader.fieldnames = header
    records = []
    rows = iter(reader)
    while True:
        previous = reader.line_num
        try:
            raw = next(rows)
        except StopIteration:
            break
        except csv.Error:  # a field over the limit: that row is refused, the next is read
            outcome.fetched += 1
            outcome.error(previous + 1, "", f"a field is over {MAX_FIELD_CHARS:,} characters")
            continue
        line = reader.line_num
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # a blank line
        outcome.fetched += 1
        if None in raw:
            outcome.error(line, ref_of(raw, "Project Reference Number"), "too many columns")
            continue
        if any("\x00" in v for v in raw.values() if isinstance(v, str)):
            # PostgreSQL stores no NUL in text: refused here, never half-written.
            ref = ref_of(raw, "Project Reference Number").replace("\x00", "")
            outcome.error(line, ref, "a field contains a NUL character")
            continue
        try:
            records.append(map_csv_row(raw, line))
        except RecordError as exc:
            outcome.error(line, ref_of(raw, "Project Reference Number"), str(exc))
    return records


def csv_import(
    *,
    data: bytes,
    dry_run: bool,
    by: Any = None,
    trigger: str = "page",
    progress: Progress = no_progress,
) -> tuple[Outcome, SyncRun | None]:
    """Import a planning-system CSV export; `dry_run` previews and writes nothing."""
    outcome = Outcome()
    records = parse_csv(decode_csv(data), outcome)
    now = timezone.now()
    if dry_run:
        try:
            with transaction.atomic():
                apply_records(records, outcome, now=now, progress=progress)
                raise _DryRunRollback
        except _DryRunRollback:
            pass
        return outcome, None
    run = SyncRun.objects.create(
        kind=SyncRun.Kind.CSV,
        trigger=trigger,
        started_by=by if getattr(by, "is_authenticated", False) else None,
    )
    apply_records(records, outcome, now=now, progress=progress)
    return outcome, finish_run(run, outcome, status=SyncRun.Status.SUCCEEDED)


# --- export -------------------------------------------------------------------------------

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return f"'{text}" if text.startswith(_DANGEROUS) else text


def _stamp(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%m/%d/%Y %I:%M:%S %p") if moment else ""


def export_rows(*, first: dt.date, last: dt.date) -> Iterator[list[str]]:
    """Live schedules starting on the store-local days first..last, as export rows
    (the planning system's columns, so the file imports back)."""
    from scheduler.models import Schedule

    start, end = days_range(first, last)
    yield list(CSV_COLUMNS)
    schedules = (
        Schedule.objects.live()
        .filter(start__gte=start, start__lt=end)
        .select_related("event", "employee")
        .order_by("start", "pk")
    )
    for s in schedules.iterator(chunk_size=2000):
        e = s.event
        yield [
            _cell(e.project_name),
            str(e.project_ref_num),
            e.location_id,
            e.store_number,
            _cell(e.store_name),
            _stamp(e.start_datetime),
            _stamp(e.due_datetime),
            str(int(e.duration.total_seconds() // 60)),
            _cell(s.employee.name),
            s.employee.external_id,
            _stamp(s.start),
        ]


def write_csv(rows: Iterable[list[str]], out: Any) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
