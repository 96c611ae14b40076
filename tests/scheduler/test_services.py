"""Scheduling services: rules enforced, cascade to Supervisor events, audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from core.exceptions import ConflictError, InvalidInputError
from employees.models import Employee, JobTitle, RotationKind
from events.models import Event, EventCondition
from events.types import EventType
from scheduler.models import ChangeSource, Schedule, ScheduleAction, ScheduleChange
from scheduler.rules import Context
from scheduler.services import (
    RuleViolationError,
    UnacknowledgedWarningsError,
    schedule_create,
    schedule_reschedule,
    schedule_trade,
    schedule_unschedule,
)
from tests.employees.factories import (
    EmployeeFactory,
    RotationExceptionFactory,
    RotationFactory,
    TimeOffFactory,
)
from tests.events.factories import EventFactory, store_local

pytestmark = pytest.mark.django_db

TUE = store_local(2026, 12, 15, 10, 45)


def test_schedule_writes_the_row_the_audit_and_the_condition(lead: Employee) -> None:
    event = EventFactory.create()
    result = schedule_create(event=event, employee=lead, start=TUE, source=ChangeSource.PAGE)
    schedule = result.schedule
    assert (schedule.start, schedule.end) == (TUE, TUE + dt.timedelta(minutes=390))
    assert schedule.work_date == dt.date(2026, 12, 15)
    assert schedule.is_core
    event.refresh_from_db()
    assert event.condition == EventCondition.SCHEDULED
    change = ScheduleChange.objects.get()
    assert (change.action, change.source, change.before) == ("create", "page", None)
    assert change.after is not None
    assert (change.after["employee"], change.after["start"]) == (
        lead.pk,
        "2026-12-15T10:45:00-05:00",
    )
    assert result.supervisor is None  # no paired Supervisor event


def test_hard_violation_refuses_and_writes_nothing(lead: Employee) -> None:
    TimeOffFactory.create(employee=lead, start_date=dt.date(2026, 12, 15))
    event = EventFactory.create()
    with pytest.raises(RuleViolationError) as refused:
        schedule_create(event=event, employee=lead, start=TUE)
    assert refused.value.code == "rule_violation"
    assert [e["code"] for e in refused.value.errors] == ["time_off"]
    assert Schedule.objects.count() == 0
    assert ScheduleChange.objects.count() == 0


def test_soft_violation_needs_acknowledgement(club_supervisor: Employee) -> None:
    event = EventFactory.create()
    with pytest.raises(UnacknowledgedWarningsError) as refused:
        schedule_create(event=event, employee=club_supervisor, start=TUE)
    assert [e["code"] for e in refused.value.errors] == ["supervisor_on_core"]
    assert Schedule.objects.count() == 0
    with pytest.raises(UnacknowledgedWarningsError):
        schedule_create(event=event, employee=club_supervisor, start=TUE, acknowledge=["proximity"])
    result = schedule_create(
        event=event, employee=club_supervisor, start=TUE, acknowledge=["supervisor_on_core"]
    )
    assert [str(w.code) for w in result.warnings] == ["supervisor_on_core"]


def test_an_event_is_scheduled_once(lead: Employee) -> None:
    event = EventFactory.create()
    schedule_create(event=event, employee=lead, start=TUE)
    with pytest.raises(ConflictError):
        schedule_create(event=event, employee=EmployeeFactory.create(), start=TUE)
    assert Schedule.objects.count() == 1


def test_core_cascades_to_the_club_supervisor_at_the_offset(
    lead: Employee, pair: tuple[Event, Event], club_supervisor: Employee
) -> None:
    core, supervisor_event = pair
    result = schedule_create(event=core, employee=lead, start=TUE)
    assert result.supervisor is not None and result.supervisor.schedule is not None
    cascaded = result.supervisor.schedule
    assert cascaded.event == supervisor_event
    assert cascaded.employee == club_supervisor
    assert cascaded.start == TUE + dt.timedelta(hours=2)
    assert cascaded.end == cascaded.start + dt.timedelta(minutes=5)
    assert not cascaded.is_core
    supervisor_event.refresh_from_db()
    assert supervisor_event.condition == EventCondition.SCHEDULED
    assert ScheduleChange.objects.filter(event=supervisor_event, action="create").count() == 1


def test_cascade_falls_back_to_the_primary_lead(pair: tuple[Event, Event]) -> None:
    core, _ = pair
    primary = EmployeeFactory.create(name="Pat Primary", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    RotationFactory.create(weekday=1, kind=RotationKind.PRIMARY_LEAD, employee=primary)
    doer = EmployeeFactory.create(job_title=JobTitle.EVENT_SPECIALIST)
    result = schedule_create(event=core, employee=doer, start=TUE)
    assert result.supervisor is not None and result.supervisor.schedule is not None
    assert result.supervisor.schedule.employee == primary


def test_when_no_one_can_supervise_the_core_is_still_scheduled(
    lead: Employee, pair: tuple[Event, Event], club_supervisor: Employee
) -> None:
    core, supervisor_event = pair
    TimeOffFactory.create(employee=club_supervisor, start_date=dt.date(2026, 12, 15))
    result = schedule_create(event=core, employee=lead, start=TUE)
    assert Schedule.objects.live().filter(event=core).exists()
    assert not Schedule.objects.live().filter(event=supervisor_event).exists()
    assert result.supervisor is not None
    assert result.supervisor.schedule is None
    assert (
        "Supervisor event" in result.supervisor.reason
        or "Club Supervisor" in result.supervisor.reason
    )
    assert [str(v.code) for v in result.supervisor.violations] == ["time_off"]


def test_rescheduling_core_moves_its_supervisor(
    lead: Employee, pair: tuple[Event, Event], club_supervisor: Employee
) -> None:
    core, supervisor_event = pair
    schedule = schedule_create(event=core, employee=lead, start=TUE).schedule
    later = store_local(2026, 12, 16, 11, 15)
    result = schedule_reschedule(schedule=schedule, start=later)
    assert result.schedule.start == later
    assert result.schedule.work_date == dt.date(2026, 12, 16)
    moved = Schedule.objects.live().get(event=supervisor_event)
    assert moved.start == later + dt.timedelta(hours=2)
    assert moved.employee == club_supervisor
    assert list(
        ScheduleChange.objects.filter(event=core)
        .order_by("at", "id")
        .values_list("action", flat=True)
    ) == [ScheduleAction.CREATE, ScheduleAction.RESCHEDULE]
    audit = ScheduleChange.objects.filter(event=core, action="reschedule").get()
    assert audit.before is not None and audit.after is not None
    assert audit.before["start"] == "2026-12-15T10:45:00-05:00"
    assert audit.after["start"] == "2026-12-16T11:15:00-05:00"


def test_reassigning_is_checked_and_audited(lead: Employee) -> None:
    schedule = schedule_create(event=EventFactory.create(), employee=lead, start=TUE).schedule
    barista = EmployeeFactory.create(job_title=JobTitle.JUICER_BARISTA)
    off = EmployeeFactory.create(job_title=JobTitle.EVENT_SPECIALIST)
    TimeOffFactory.create(employee=off, start_date=dt.date(2026, 12, 15))
    with pytest.raises(RuleViolationError):
        schedule_reschedule(schedule=schedule, employee=off)
    assert Schedule.objects.get(pk=schedule.pk).employee == lead
    result = schedule_reschedule(schedule=schedule, employee=barista)
    assert result.schedule.employee == barista
    assert ScheduleChange.objects.filter(action="reassign").count() == 1


def test_rescheduling_does_not_clash_with_itself(lead: Employee) -> None:
    schedule = schedule_create(event=EventFactory.create(), employee=lead, start=TUE).schedule
    result = schedule_reschedule(schedule=schedule, start=TUE + dt.timedelta(minutes=30))
    assert result.schedule.start == TUE + dt.timedelta(minutes=30)


def test_unscheduling_core_unschedules_its_supervisor(
    lead: Employee, pair: tuple[Event, Event], club_supervisor: Employee
) -> None:
    core, supervisor_event = pair
    schedule = schedule_create(event=core, employee=lead, start=TUE).schedule
    schedule_unschedule(schedule=schedule)
    assert not Schedule.objects.live().exists()
    assert Schedule.objects.count() == 2  # history stays
    core.refresh_from_db()
    supervisor_event.refresh_from_db()
    assert core.condition == supervisor_event.condition == EventCondition.UNSTAFFED
    with pytest.raises(ConflictError):
        schedule_unschedule(schedule=schedule)


def test_trade_swaps_employees_on_the_same_day(lead: Employee) -> None:
    other = EmployeeFactory.create(job_title=JobTitle.EVENT_SPECIALIST)
    a = schedule_create(event=EventFactory.create(), employee=lead, start=TUE).schedule
    b = schedule_create(
        event=EventFactory.create(), employee=other, start=TUE + dt.timedelta(minutes=30)
    ).schedule
    first, second, warnings = schedule_trade(first=a, second=b)
    assert (first.employee, second.employee) == (other, lead)
    assert warnings == []
    assert ScheduleChange.objects.filter(action="trade").count() == 2


def test_trade_is_refused_across_days_and_when_a_rule_breaks(lead: Employee) -> None:
    other = EmployeeFactory.create(job_title=JobTitle.EVENT_SPECIALIST)
    a = schedule_create(event=EventFactory.create(), employee=lead, start=TUE).schedule
    c = schedule_create(
        event=EventFactory.create(), employee=other, start=TUE + dt.timedelta(days=1)
    ).schedule
    with pytest.raises(InvalidInputError, match="same day"):
        schedule_trade(first=a, second=c)
    freeosk = EventFactory.create(event_type=EventType.FREEOSK, estimated_minutes=30)
    f = schedule_create(
        event=freeosk,
        employee=lead,
        start=store_local(2026, 12, 16, 10, 0),
        acknowledge=["proximity"],
    ).schedule
    # The specialist may not work Freeosk: the whole trade is refused.
    with pytest.raises(RuleViolationError):
        schedule_trade(first=f, second=c)
    assert Schedule.objects.get(pk=f.pk).employee == lead
    assert Schedule.objects.get(pk=c.pk).employee == other


def test_weekly_availability_warns_by_hand(lead: Employee) -> None:
    lead.available_tue = False
    lead.save()
    event = EventFactory.create()
    with pytest.raises(UnacknowledgedWarningsError):
        schedule_create(event=event, employee=lead, start=TUE)
    schedule_create(event=event, employee=lead, start=TUE, acknowledge=["weekly_unavailable"])


def test_a_lead_who_is_not_the_primary_lead_may_not_take_a_supervisor_event(
    lead: Employee, pair: tuple[Event, Event]
) -> None:
    _, supervisor_event = pair
    other = EmployeeFactory.create(name="Pat Primary", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    RotationFactory.create(weekday=1, kind=RotationKind.PRIMARY_LEAD, employee=other)
    with pytest.raises(RuleViolationError) as refused:
        schedule_create(event=supervisor_event, employee=lead, start=TUE + dt.timedelta(hours=2))
    assert [e["code"] for e in refused.value.errors] == ["role_not_allowed"]
    assert Schedule.objects.count() == 0


def test_the_days_primary_lead_may_take_a_supervisor_event_even_by_exception(
    lead: Employee, pair: tuple[Event, Event]
) -> None:
    _, supervisor_event = pair
    other = EmployeeFactory.create(name="Pat Primary", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    RotationFactory.create(weekday=1, kind=RotationKind.PRIMARY_LEAD, employee=other)
    RotationExceptionFactory.create(
        date=dt.date(2026, 12, 15), kind=RotationKind.PRIMARY_LEAD, employee=lead
    )
    result = schedule_create(
        event=supervisor_event, employee=lead, start=TUE + dt.timedelta(hours=2)
    )
    assert result.schedule.employee == lead
    # ... and the weekday's Primary Lead, replaced that day, may not
    with pytest.raises(RuleViolationError):
        schedule_reschedule(schedule=result.schedule, employee=other)


def test_a_past_start_needs_acknowledgement_by_hand(lead: Employee) -> None:
    event = EventFactory.create(
        start_datetime=store_local(2026, 12, 1), due_datetime=store_local(2026, 12, 20)
    )
    past = store_local(2026, 12, 2, 10, 45)
    with pytest.raises(UnacknowledgedWarningsError) as refused:
        schedule_create(event=event, employee=lead, start=past)
    assert [e["code"] for e in refused.value.errors] == ["past_start"]
    assert Schedule.objects.count() == 0
    result = schedule_create(event=event, employee=lead, start=past, acknowledge=["past_start"])
    assert [str(w.code) for w in result.warnings] == ["past_start"]


def test_a_past_start_is_refused_to_the_auto_scheduler(lead: Employee) -> None:
    event = EventFactory.create(
        start_datetime=store_local(2026, 12, 1), due_datetime=store_local(2026, 12, 20)
    )
    with pytest.raises(RuleViolationError) as refused:
        schedule_create(
            event=event,
            employee=lead,
            start=store_local(2026, 12, 2, 10, 45),
            context=Context.AUTO,
            acknowledge=["past_start"],
        )
    assert [e["code"] for e in refused.value.errors] == ["past_start"]
