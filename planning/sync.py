"""Sync service: planning-system records → events and schedules (docs/planning-system.md).

fetch → map and validate each record (bad ones skipped with the reason) → deduplicate →
upsert events by `project_ref_num` in bulk (unchanged rows are not written) → pair
Supervisor/Core → import upstream schedules through the scheduling services (the rules
engine decides; conflicts are reported, never forced) → mark events that vanished or
were canceled upstream (never delete) → record a SyncRun. Running it twice changes
nothing. Query count per batch of events is constant.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.dates import day_start
from core.exceptions import ExternalAPIError, InvalidInputError
from events.models import Event, EventCondition
from events.services import event_pair_supervisors
from events.types import EventType
from planning.client import PlanningClient
from planning.models import SyncRun
from planning.outcome import BATCH_SIZE, Outcome, Progress, no_progress
from planning.records import (
    RecordError,
    UpstreamEvent,
    map_mplan,
    ref_of,
)
from planning.schedules import import_schedules, report_schedules_at_risk

logger = logging.getLogger(__name__)

FETCH_DAYS = 7  # one getPlanningMplans call per week of the interval
MAX_ERRORS_STORED = 2000

# Fields that sync owns and compares; everything else (never_auto_schedule, …) is local.
SYNCED_FIELDS = (
    "project_name",
    "event_number",
    "event_type",
    "store_number",
    "store_name",
    "location_id",
    "start_datetime",
    "due_datetime",
    "estimated_minutes",
    "condition",
    "sales_tool_url",
    "upstream_missing_since",
)
_LOCAL_CONDITIONS = {EventCondition.UNSTAFFED, EventCondition.SCHEDULED}


# --- mapping ------------------------------------------------------------------------------


def deduplicate(records: Iterable[UpstreamEvent], outcome: Outcome) -> list[UpstreamEvent]:
    """The first record of each reference number; later ones are reported, not stored."""
    first: dict[int, UpstreamEvent] = {}
    for record in records:
        outcome.seen_refs.add(record.ref)
        kept = first.get(record.ref)
        if kept is None:
            first[record.ref] = record
        elif kept != replace(record, row=kept.row):
            # Another record under the same id. (An exact repeat, such as an event
            # whose window spans two fetched weeks, is simply the same record.)
            outcome.error(
                record.row,
                record.ref,
                f"duplicate project reference number {record.ref}: "
                f"record {kept.row} ({kept.project_name}) was kept",
            )
    return list(first.values())


def map_mplans(
    raw_records: Sequence[Any], outcome: Outcome, *, first_row: int = 1
) -> list[UpstreamEvent]:
    mapped = []
    for index, raw in enumerate(raw_records, start=first_row):
        try:
            mapped.append(map_mplan(raw, index))
        except RecordError as exc:
            ref = ref_of(raw, "mPlanID")
            if ref.isdigit():
                outcome.seen_refs.add(int(ref))  # it exists upstream: not "vanished"
            outcome.error(index, ref, str(exc))
    return mapped


# --- events: bulk upsert --------------------------------------------------------------


def _values(
    record: UpstreamEvent, existing: dict[str, Any] | None, now: dt.datetime
) -> dict[str, Any]:
    """The synced fields as they should be, merging what the source does not say."""
    event_type = record.event_type
    if existing is not None and existing["project_name"] == record.project_name:
        event_type = existing["event_type"]  # staff may have corrected the detected type
    condition = record.condition
    local_follows = condition is None or (
        condition in _LOCAL_CONDITIONS
        and existing is not None
        and existing["condition"] in _LOCAL_CONDITIONS
    )
    if existing is not None and local_follows:
        # Unstaffed ↔ Scheduled follows the local schedules (which may be waiting in
        # the push outbox); every other upstream condition wins.
        condition = existing["condition"]
    return {
        "project_name": record.project_name,
        "event_number": record.event_number,
        "event_type": event_type,
        "store_number": record.store_number,
        "store_name": record.store_name,
        "location_id": record.location_id,
        "start_datetime": record.start_datetime,
        "due_datetime": record.due_datetime,
        "estimated_minutes": record.estimated_minutes
        if record.estimated_minutes is not None or existing is None
        else existing["estimated_minutes"],
        "condition": condition or EventCondition.UNSTAFFED,
        "sales_tool_url": record.sales_tool_url
        if record.sales_tool_url is not None
        else (existing["sales_tool_url"] if existing is not None else ""),
        "upstream_missing_since": None,
    }


def upsert_events(
    records: Sequence[UpstreamEvent],
    outcome: Outcome,
    *,
    now: dt.datetime,
    progress: Progress = no_progress,
) -> None:
    """Create new events and update changed ones, in batches; unchanged rows are not
    written. Per batch: one read and at most one upsert statement."""
    total = len(records)
    for offset in range(0, total, BATCH_SIZE):
        batch = records[offset : offset + BATCH_SIZE]
        # Plain values, not model instances: comparing 10,000 rows stays cheap.
        existing = {
            row["project_ref_num"]: row
            for row in Event.objects.filter(project_ref_num__in=[r.ref for r in batch]).values(
                "project_ref_num", *SYNCED_FIELDS
            )
        }
        new: list[Event] = []
        changed: list[Event] = []
        for record in batch:
            old = existing.get(record.ref)
            values = _values(record, old, now)
            if old is not None and all(old[k] == v for k, v in values.items()):
                outcome.unchanged += 1
                continue
            event = Event(project_ref_num=record.ref, last_synced_at=now, **values)
            try:
                event.full_clean(
                    exclude=["core_event"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                outcome.error(record.row, record.ref, _validation_text(exc))
                continue
            (new if old is None else changed).append(event)
        if new or changed:
            # One upsert statement for new and changed rows: a concurrent run that
            # inserted the same new event meanwhile makes this an update, not an error.
            Event.objects.bulk_create(
                [*new, *changed],
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["project_ref_num"],
                update_fields=[*SYNCED_FIELDS, "last_synced_at", "updated_at"],
            )
        outcome.created += len(new)
        outcome.updated += len(changed)
        report_schedules_at_risk(changed, {r.ref: r.row for r in batch}, outcome)
        progress("events", min(offset + BATCH_SIZE, total), total)


def _validation_text(exc: ValidationError) -> str:
    parts = []
    for name, messages in exc.message_dict.items():
        parts.append(f"{name}: {' '.join(messages)}")
    return "; ".join(parts)[:300]


def pair_events(records: Sequence[UpstreamEvent], *, progress: Progress = no_progress) -> None:
    numbers = {
        r.event_number
        for r in records
        if r.event_type in (EventType.CORE, EventType.SUPERVISOR) and r.event_number
    }
    with transaction.atomic():
        event_pair_supervisors(event_numbers=numbers)
    progress("pairing", 1, 1)


# --- vanished events ----------------------------------------------------------------------


def mark_missing(*, start: dt.date, end: dt.date, seen: set[int], now: dt.datetime) -> int:
    """Events of [start, end] that the planning system no longer lists: marked, kept."""
    window = Event.objects.filter(
        start_datetime__lt=day_start(end + dt.timedelta(days=1)),
        due_datetime__gt=day_start(start),
        last_synced_at__isnull=False,
        upstream_missing_since__isnull=True,
    )
    refs = set(window.values_list("project_ref_num", flat=True)) - seen
    if not refs:
        return 0
    return Event.objects.filter(project_ref_num__in=refs).update(
        upstream_missing_since=now, updated_at=now
    )


# --- the whole run ------------------------------------------------------------------------


def apply_records(
    records: Sequence[UpstreamEvent],
    outcome: Outcome,
    *,
    now: dt.datetime,
    progress: Progress = no_progress,
) -> Outcome:
    unique = deduplicate(records, outcome)
    upsert_events(unique, outcome, now=now, progress=progress)
    pair_events(unique, progress=progress)
    import_schedules(unique, outcome, progress=progress)
    return outcome


def fetch_interval(
    client: PlanningClient,
    *,
    start: dt.date,
    end: dt.date,
    outcome: Outcome,
    progress: Progress = no_progress,
) -> list[UpstreamEvent]:
    """getPlanningMplans a week at a time; records are numbered across the whole run."""
    chunks = []
    day = start
    while day <= end:
        last = min(end, day + dt.timedelta(days=FETCH_DAYS - 1))
        chunks.append((day, last))
        day = last + dt.timedelta(days=1)
    mapped: list[UpstreamEvent] = []
    for index, (first, last) in enumerate(chunks, start=1):
        raw = client.get_mplans(start=first, end=last)
        outcome.fetched += len(raw)
        mapped.extend(map_mplans(raw, outcome, first_row=outcome.fetched - len(raw) + 1))
        progress("fetch", index, len(chunks))
    return mapped


def finish_run(run: SyncRun, outcome: Outcome, *, status: str) -> SyncRun:
    for name, value in outcome.counts().items():
        setattr(run, name, value)
    run.errors = [e.as_dict() for e in outcome.errors[:MAX_ERRORS_STORED]]
    run.status = status
    run.finished_at = timezone.now()
    run.save()
    return run


def sync_run(
    *,
    start: dt.date,
    end: dt.date,
    trigger: str,
    by: Any = None,
    client: PlanningClient | None = None,
    progress: Progress = no_progress,
) -> SyncRun:
    """Sync the events of the store-local days [start, end]; records and returns the run.

    A planning-system failure is recorded on the run (failed, with the error id) and
    raised as ExternalAPIError; nothing is marked missing after an incomplete fetch.
    """
    if end < start:
        raise InvalidInputError("The interval ends before it starts.")
    own_client = client is None
    client = client or PlanningClient.from_settings()
    run = SyncRun.objects.create(
        kind=SyncRun.Kind.API,
        trigger=trigger,
        interval_start=start,
        interval_end=end,
        started_by=by if getattr(by, "is_authenticated", False) else None,
    )
    outcome = Outcome()
    now = timezone.now()
    try:
        records = fetch_interval(client, start=start, end=end, outcome=outcome, progress=progress)
        apply_records(records, outcome, now=now, progress=progress)
        outcome.marked_missing = mark_missing(start=start, end=end, seen=outcome.seen_refs, now=now)
    except ExternalAPIError as exc:
        run.failure = exc.detail[:300]
        run.error_id = exc.error_id  # the same id as the 502 problem and its log line
        exc.extra["sync_run"] = run.pk
        finish_run(run, outcome, status=SyncRun.Status.FAILED)
        logger.warning("Sync run %s failed: %s (error id %s)", run.pk, exc.detail, run.error_id)
        raise
    finally:
        if own_client:
            client.close()
    finish_run(run, outcome, status=SyncRun.Status.SUCCEEDED)
    logger.info("Sync run %s: %s", run.pk, outcome.counts())
    return run


def default_interval(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    from django.conf import settings

    today = today or timezone.localdate()
    return (
        today - dt.timedelta(days=settings.SYNC_DAYS_BACK),
        today + dt.timedelta(days=settings.SYNC_DAYS_AHEAD),
    )


def last_run() -> SyncRun | None:
    return SyncRun.objects.select_related("started_by").first()
