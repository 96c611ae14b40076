"""Reads of the auto-scheduler pages: the runs, and one run's proposals by day beside the
live schedules of each day. A constant number of queries, whatever the run's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from core.dates import local_date, window_last_day
from employees.models import Employee
from scheduler.auto_services import run_snapshot
from scheduler.models import AutoProposal, AutoRun, ProposalStatus, Schedule
from scheduler.rules import Context, Violation, check, has_hard
from scheduler.selectors import schedules_in_days
from scheduler.snapshot import employee_facts, event_facts


def auto_run_list() -> QuerySet[AutoRun]:
    return AutoRun.objects.select_related("started_by", "decided_by").order_by("-created_at", "-pk")


@dataclass
class ReviewDay:
    day: dt.date
    proposals: list[AutoProposal] = field(default_factory=list)
    live: list[Schedule] = field(default_factory=list)
    left_out: int = 0  # events left out whose last day this is

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.proposals if p.warnings)


@dataclass(frozen=True)
class ReviewFilters:
    """What the review page shows: every filter narrows the proposals listed."""

    day: dt.date | None = None
    event_type: str = ""
    employee_id: int | None = None
    with_warnings: bool = False
    left_out: bool = False  # only the events that could not be placed

    @property
    def active(self) -> bool:
        return bool(
            self.day or self.event_type or self.employee_id or self.with_warnings or self.left_out
        )

    def keeps(self, p: AutoProposal) -> bool:
        if self.left_out:
            return False
        if self.day is not None and p.start is not None and local_date(p.start) != self.day:
            return False
        if self.event_type and p.event.event_type != self.event_type:
            return False
        if self.employee_id is not None and p.employee_id != self.employee_id:
            return False
        return not (self.with_warnings and not p.warnings)


@dataclass
class Review:
    run: AutoRun
    days: list[ReviewDay]
    unplaced: list[AutoProposal]
    decided: list[AutoProposal]
    employees: list[Employee]
    filters: ReviewFilters = field(default_factory=ReviewFilters)
    all_days: list[dt.date] = field(default_factory=list)  # every day with proposals
    open_total: int = 0  # open proposals of the whole run, whatever the filters

    @property
    def open_count(self) -> int:
        return sum(1 for d in self.days for p in d.proposals if p.status == ProposalStatus.PROPOSED)

    @property
    def shown(self) -> int:
        return sum(len(d.proposals) for d in self.days)


def auto_run_review(run: AutoRun, filters: ReviewFilters | None = None) -> Review:
    """The run's proposals grouped by store-local day, each day with its live schedules
    and a summary (placed, left out, warnings), narrowed by `filters` (three queries)."""
    filters = filters or ReviewFilters()
    proposals = list(
        AutoProposal.objects.filter(run=run)
        .select_related("event", "employee", "with_core")
        .order_by("start", "position", "pk")
    )
    days: dict[dt.date, ReviewDay] = {}
    unplaced: list[AutoProposal] = []
    decided: list[AutoProposal] = []
    all_days: set[dt.date] = set()
    open_total = 0
    for p in proposals:
        if p.status == ProposalStatus.UNPLACED or p.start is None:
            unplaced.append(p)
            continue
        day = local_date(p.start)
        all_days.add(day)
        open_total += p.status == ProposalStatus.PROPOSED
        if not filters.keeps(p):
            continue
        if p.status in (ProposalStatus.APPLIED, ProposalStatus.REFUSED):
            decided.append(p)
        days.setdefault(day, ReviewDay(day)).proposals.append(p)
    for p in unplaced:
        found = days.get(window_last_day(p.event.due_datetime))
        if found is not None:
            found.left_out += 1
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
        filters=filters,
        all_days=sorted(all_days),
        open_total=open_total,
    )


@dataclass(frozen=True)
class ProposalChoice:
    employee: Employee
    violations: list[Violation]

    @property
    def ok(self) -> bool:
        return not has_hard(self.violations)


@dataclass(frozen=True)
class ProposalChoices:
    """What a proposal's "Change" offers, loaded when it is opened: every active
    employee, each judged by the rules engine at the proposal's start against the live
    schedules and the run's other open proposals (what saving would say)."""

    proposal: AutoProposal
    choices: list[ProposalChoice]

    @property
    def can_change(self) -> bool:
        p = self.proposal
        return p.status == ProposalStatus.PROPOSED and p.with_core_id is None and p.run.is_open

    @property
    def eligible_count(self) -> int:
        return sum(1 for c in self.choices if c.ok)


def proposal_choices(proposal_id: int) -> ProposalChoices | None:
    """One proposal's change choices, in a constant number of queries whatever the
    number of employees (None: no such proposal)."""
    proposal = (
        AutoProposal.objects.select_related("run", "event", "employee")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        return None
    found = ProposalChoices(proposal=proposal, choices=[])
    if not found.can_change or proposal.start is None:
        return found
    employees = list(Employee.objects.active().order_by("name", "pk"))
    supervisors = AutoProposal.objects.filter(
        run_id=proposal.run_id, with_core_id=proposal.event_id, status=ProposalStatus.PROPOSED
    ).values_list("pk", flat=True)
    snapshot = run_snapshot(
        proposal.run,
        employee_ids=[e.pk for e in employees],
        day=local_date(proposal.start),
        leave_out={proposal.pk, *supervisors},
    )
    facts = event_facts(proposal.event)
    choices = [
        ProposalChoice(
            employee=e,
            violations=check(
                event=facts,
                employee=employee_facts(e),
                start=proposal.start,
                context=Context.AUTO,
                snapshot=snapshot,
            ),
        )
        for e in employees
    ]
    choices.sort(key=lambda c: (c.employee.pk != proposal.employee_id, not c.ok))
    return ProposalChoices(proposal=proposal, choices=choices)
