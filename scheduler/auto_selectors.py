"""Reads of the auto-scheduler pages: the runs, and one run's proposals by day beside the
live schedules of each day. A constant number of queries, whatever the run's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from core.dates import local_date
from employees.models import Employee
from scheduler.models import AutoProposal, AutoRun, ProposalStatus, Schedule
from scheduler.selectors import schedules_in_days


def auto_run_list() -> QuerySet[AutoRun]:
    return AutoRun.objects.select_related("started_by", "decided_by").order_by("-created_at", "-pk")


@dataclass
class ReviewDay:
    day: dt.date
    proposals: list[AutoProposal] = field(default_factory=list)
    live: list[Schedule] = field(default_factory=list)


@dataclass
class Review:
    run: AutoRun
    days: list[ReviewDay]
    unplaced: list[AutoProposal]
    decided: list[AutoProposal]
    employees: list[Employee]

    @property
    def open_count(self) -> int:
        return sum(1 for d in self.days for p in d.proposals if p.status == ProposalStatus.PROPOSED)


def auto_run_review(run: AutoRun) -> Review:
    """The run's proposals grouped by store-local day, each day with its live schedules
    (three queries)."""
    proposals = list(
        AutoProposal.objects.filter(run=run)
        .select_related("event", "employee", "with_core")
        .order_by("start", "position", "pk")
    )
    days: dict[dt.date, ReviewDay] = {}
    unplaced: list[AutoProposal] = []
    decided: list[AutoProposal] = []
    for p in proposals:
        if p.status == ProposalStatus.UNPLACED or p.start is None:
            unplaced.append(p)
            continue
        if p.status in (ProposalStatus.APPLIED, ProposalStatus.REFUSED):
            decided.append(p)
        day = local_date(p.start)
        days.setdefault(day, ReviewDay(day)).proposals.append(p)
    if days:
        for s in schedules_in_days(min(days), max(days)):
            found = days.get(timezone.localtime(s.start).date())
            if found is not None:
                found.live.append(s)
    employees = list(Employee.objects.active().order_by("name", "pk"))
    return Review(
        run=run,
        days=[days[d] for d in sorted(days)],
        unplaced=unplaced,
        decided=decided,
        employees=employees,
    )
