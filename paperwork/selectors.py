"""Reads of the paperwork app: what a day's (or one event's) packet will contain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.features import get_feature
from events.types import EventType
from paperwork.models import EventReport, PacketBuild, PaperworkForm, PortalSession, ReportStatus
from paperwork.services import report_max_age
from scheduler.models import Schedule
from scheduler.selectors import schedules_in_days

SCHEDULE_TYPES = (EventType.CORE, EventType.JUICER_PRODUCTION)


@dataclass
class ReportState:
    """An event's EDR as the packet will print it: `fresh`, `stale` or `missing`."""

    state: str
    why: str = ""
    row: EventReport | None = None
    age: dt.timedelta | None = None

    @property
    def age_text(self) -> str:
        if self.age is None:
            return ""
        hours = int(self.age.total_seconds() // 3600)
        if hours < 1:
            return f"{max(1, int(self.age.total_seconds() // 60))} min old"
        return f"{hours} h old" if hours < 48 else f"{hours // 24} days old"


@dataclass
class PacketSection:
    schedule: Schedule
    is_core: bool
    report: ReportState | None
    forms: list[PaperworkForm] = field(default_factory=list)
    # What the day's last finished build found behind the sales-tool link: None when no
    # build has looked yet, else "" (printed) or why not.
    tool_problem: str | None = None

    @property
    def event(self) -> Any:
        return self.schedule.event


@dataclass
class PacketPlan:
    day: dt.date
    sections: list[PacketSection]
    forms: list[PaperworkForm]
    edr_enabled: bool

    @property
    def core_count(self) -> int:
        return sum(1 for s in self.sections if s.is_core)

    @property
    def missing_reports(self) -> int:
        return sum(1 for s in self.sections if s.report and s.report.state == "missing")

    @property
    def stale_reports(self) -> int:
        return sum(1 for s in self.sections if s.report and s.report.state == "stale")


def report_state(
    row: EventReport | None, *, event_number: str, edr_enabled: bool, now: dt.datetime
) -> ReportState:
    if not event_number:
        return ReportState("missing", "The project name has no 6-digit event number.")
    if row is None:
        if not edr_enabled:
            return ReportState("missing", "EDR reports are switched off.")
        return ReportState(
            "missing", "Not fetched yet: a manager signed in to the portal fetches it."
        )
    if row.status == ReportStatus.UNKNOWN:
        return ReportState("missing", "The portal does not know this event.", row, row.age(now))
    age = row.age(now)
    if age > report_max_age():
        return ReportState("stale", "Fetched a while ago.", row, age)
    return ReportState("fresh", "", row, age)


def packet_plan(day: dt.date, *, event_id: int | None = None) -> PacketPlan:
    """The packet of `day` (or of one event on that day) in four queries: schedules with
    events and employees, cached reports, active forms, none per event."""
    schedules = schedules_in_days(day, day).filter(event__event_type__in=SCHEDULE_TYPES)
    if event_id is not None:
        schedules = schedules.filter(event_id=event_id)
    rows = list(schedules)
    numbers = {s.event.event_number for s in rows if s.event.event_number}
    reports = {r.event_number: r for r in EventReport.objects.filter(event_number__in=numbers)}
    forms = list(PaperworkForm.objects.filter(is_active=True).defer("pdf"))
    edr_enabled = get_feature("edr").usable
    now = timezone.now()
    sections = []
    for s in rows:
        is_core = s.event.event_type == EventType.CORE
        state = (
            report_state(
                reports.get(s.event.event_number),
                event_number=s.event.event_number,
                edr_enabled=edr_enabled,
                now=now,
            )
            if is_core
            else None
        )
        sections.append(
            PacketSection(
                schedule=s,
                is_core=is_core,
                report=state,
                forms=[f for f in forms if s.event.event_type in f.event_types],
            )
        )
    return PacketPlan(day=day, sections=sections, forms=forms, edr_enabled=edr_enabled)


def portal_session_of(user: Any) -> PortalSession | None:
    """The user's own portal session (active or waiting for its code), if any."""
    return (
        PortalSession.objects.filter(user=user, expires_at__gt=timezone.now()).first()
        if user.is_authenticated
        else None
    )


def packet_builds(day: dt.date, *, user: Any) -> list[PacketBuild]:
    """The packets of `day` built in the keep period (newest first), without their PDFs."""
    return list(
        PacketBuild.objects.filter(day=day, created_at__gt=timezone.now() - keep_period())
        .select_related("event", "requested_by")
        .defer("pdf")[:10]
    )


def keep_period() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.PAPERWORK_PACKET_KEEP_HOURS))


def packet_build_of(pk: int) -> PacketBuild | None:
    return (
        PacketBuild.objects.filter(pk=pk, created_at__gt=timezone.now() - keep_period())
        .defer("pdf")
        .first()
    )


def note_last_build(plan: PacketPlan, builds: list[PacketBuild]) -> None:
    """Mark each section's sales-tool link as printed or not by the day's last finished
    whole-day build (`builds` newest first, as `packet_builds` gives them)."""
    last = next((b for b in builds if b.status == PacketBuild.Status.DONE and not b.event_id), None)
    if last is None:
        return
    problems = {
        p.get("event"): p.get("why", "")
        for p in last.problems
        if p.get("what") == "Sales-tool instructions"
    }
    for s in plan.sections:
        if s.is_core:
            s.tool_problem = problems.get(s.event.project_name, "")
