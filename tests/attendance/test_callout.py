"""The call-out routine: the plan (every schedule, ranked replacements, no two clashing),
and applying it through the scheduling services, each row refused alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User

from attendance.models import AttendanceRecord, AttendanceStatus, CallOut
from attendance.selectors import callout_plan
from attendance.services import (
    RotationChoice,
    RowChoice,
    callout_apply,
    choices_from_plan,
)
from core.exceptions import InvalidInputError
from employees.models import Employee, JobTitle, RotationException, RotationKind, TimeOff
from events.types import EventType
from planning.models import PendingPush
from scheduler.models import ChangeSource, Schedule, ScheduleChange
from scheduler.services import schedule_reschedule
from tests.employees.factories import EmployeeFactory, RotationFactory, TimeOffFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seven_am")]

DAY = dt.date(2026, 12, 15)
CORE_START = store_local(2026, 12, 15, 10, 45)


def core_schedule(employee: Employee, start: dt.datetime = CORE_START, **event: object) -> Schedule:
    return ScheduleFactory.create(
        event=EventFactory.create(**event), employee=employee, start=start
    )


def apply_plan(employee: Employee, *, by: User | None = None, reason: str = "sick", **kw: Any):
    first = kw.pop("first_day", DAY)
    last = kw.pop("last_day", DAY)
    plan = callout_plan(employee=employee, reason=reason, first_day=first, last_day=last)
    return plan, callout_apply(
        employee=employee,
        reason=reason,
        first_day=first,
        last_day=last,
        choices=choices_from_plan(plan.rows),
        by=by,
        **kw,
    )


# --- the plan ----------------------------------------------------------------------------


def test_the_plan_lists_every_live_schedule_in_the_range_with_a_preselected_replacement(
    pair, club_supervisor
) -> None:
    out = EmployeeFactory.create(name="Ann Out", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    core, supervisor_event = pair
    mine = ScheduleFactory.create(event=core, employee=out, start=CORE_START)
    check_in = ScheduleFactory.create(
        event=supervisor_event, employee=club_supervisor, start=store_local(2026, 12, 15, 12, 45)
    )
    next_day = core_schedule(out, store_local(2026, 12, 16, 10, 45))
    core_schedule(out, store_local(2026, 12, 17, 10, 45))  # outside the range
    busy = EmployeeFactory.create(name="Bo Busy")
    core_schedule(busy)  # already on a Core event that day
    free = EmployeeFactory.create(name="Cy Free")

    plan = callout_plan(
        employee=out, reason="sick", first_day=DAY, last_day=DAY + dt.timedelta(days=1)
    )

    assert [r.schedule.pk for r in plan.rows] == [mine.pk, next_day.pk]
    first = plan.rows[0]
    assert first.pick == free
    assert first.supervisor == check_in and not first.supervisor_is_row
    assert [c.employee.name for c in first.eligible] == ["Cy Free"]
    assert {c.employee.name: [str(v.code) for v in c.violations] for c in first.blocked} == {
        "Bo Busy": ["core_daily_limit", "overlap"],
        "Cy Super": ["overlap", "supervisor_on_core"],
    }
    assert out.pk not in {c.employee.pk for r in plan.rows for c in r.candidates}


def test_replacements_that_would_clash_with_each_other_are_never_both_proposed() -> None:
    """A Juicer Barista out holds a Core event and the Juicer survey that evening: one
    barista may take either but not both (juicer_day), so the plan splits them."""
    out = EmployeeFactory.create(job_title=JobTitle.JUICER_BARISTA)
    core = core_schedule(out)
    survey = ScheduleFactory.create(
        event=EventFactory.create(event_type=EventType.JUICER_SURVEY, estimated_minutes=30),
        employee=out,
        start=store_local(2026, 12, 15, 19, 30),
    )
    EmployeeFactory.create(name="Amy Barista", job_title=JobTitle.JUICER_BARISTA)
    EmployeeFactory.create(name="Ben Barista", job_title=JobTitle.JUICER_BARISTA)

    plan = callout_plan(employee=out, reason="sick", first_day=DAY, last_day=DAY)

    picks = {r.schedule.pk: r.pick.name for r in plan.rows if r.pick}
    assert picks == {core.pk: "Amy Barista", survey.pk: "Ben Barista"}
    # With only one barista, the second schedule is left unscheduled, with the reason.
    Employee.objects.filter(name="Ben Barista").update(is_active=False)
    plan = callout_plan(employee=out, reason="sick", first_day=DAY, last_day=DAY)
    assert [(r.schedule.pk, r.pick and r.pick.name) for r in plan.rows] == [
        (core.pk, "Amy Barista"),
        (survey.pk, None),
    ]
    blocked = {c.employee.name: [str(v.code) for v in c.violations] for c in plan.rows[1].blocked}
    assert blocked["Amy Barista"] == ["juicer_day"]


def test_a_core_replacement_keeps_its_supervisor_and_a_supervisor_check_in_is_re_picked(
    pair, club_supervisor
) -> None:
    """The person out is the Primary Lead holding the Supervisor check-in of someone
    else's Core event: the check-in goes to the Club Supervisor first, and the rotation
    gets a one-day exception."""
    out = EmployeeFactory.create(name="Pat Primary", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    RotationFactory.create(weekday=DAY.weekday(), kind=RotationKind.PRIMARY_LEAD, employee=out)
    other_lead = EmployeeFactory.create(name="Lou Lead", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    core, supervisor_event = pair
    ScheduleFactory.create(event=core, employee=EmployeeFactory.create(), start=CORE_START)
    check_in = ScheduleFactory.create(
        event=supervisor_event, employee=out, start=store_local(2026, 12, 15, 12, 45)
    )

    plan = callout_plan(employee=out, reason="sick", first_day=DAY, last_day=DAY)

    (row,) = plan.rows
    assert row.schedule == check_in
    assert row.pick == club_supervisor
    (rotation,) = plan.rotations
    assert (rotation.day, rotation.kind, rotation.replacement) == (
        DAY,
        RotationKind.PRIMARY_LEAD,
        other_lead,
    )
    # Without a Club Supervisor working, the proposed Primary Lead comes first.
    club_supervisor.is_active = False
    club_supervisor.save()
    plan = callout_plan(employee=out, reason="sick", first_day=DAY, last_day=DAY)
    assert plan.rows[0].pick == other_lead

    _, result = apply_plan(
        out,
        rotations=[
            RotationChoice(day=DAY, kind=RotationKind.PRIMARY_LEAD, employee_id=other_lead.pk)
        ],
    )
    check_in.refresh_from_db()
    assert check_in.employee == other_lead
    exception = RotationException.objects.get()
    assert (exception.date, exception.kind, exception.employee) == (
        DAY,
        RotationKind.PRIMARY_LEAD,
        other_lead,
    )
    assert [o["outcome"] for o in result.outcomes] == ["replaced", "rotation"]


def test_the_juicer_out_proposes_the_barista_who_takes_their_juicer_event() -> None:
    out = EmployeeFactory.create(job_title=JobTitle.JUICER_BARISTA)
    RotationFactory.create(weekday=DAY.weekday(), kind=RotationKind.JUICER, employee=out)
    ScheduleFactory.create(
        event=EventFactory.create(event_type=EventType.JUICER_PRODUCTION, estimated_minutes=540),
        employee=out,
        start=store_local(2026, 12, 15, 9, 0),
    )
    EmployeeFactory.create(name="Amy Barista", job_title=JobTitle.JUICER_BARISTA)
    EmployeeFactory.create(name="Off Barista", job_title=JobTitle.JUICER_BARISTA)
    TimeOffFactory.create(employee=Employee.objects.get(name="Off Barista"), start_date=DAY)

    plan = callout_plan(employee=out, reason="sick", first_day=DAY, last_day=DAY)

    amy = Employee.objects.get(name="Amy Barista")
    assert plan.rows[0].pick == amy
    (rotation,) = plan.rotations
    assert (rotation.kind, rotation.replacement) == (RotationKind.JUICER, amy)
    assert [e.name for e in rotation.choices] == ["Amy Barista"]


def test_store_local_day_boundaries() -> None:
    """23:30 on the day is in it (04:30 UTC the next day); 00:30 the next day is not."""
    out = EmployeeFactory.create(job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    late = ScheduleFactory.create(
        event=EventFactory.create(event_type=EventType.OTHER, estimated_minutes=30),
        employee=out,
        start=store_local(2026, 12, 15, 23, 30),
    )
    ScheduleFactory.create(
        event=EventFactory.create(event_type=EventType.OTHER, estimated_minutes=30),
        employee=out,
        start=store_local(2026, 12, 16, 0, 30),
    )
    ScheduleFactory.create(
        event=EventFactory.create(event_type=EventType.OTHER, estimated_minutes=30),
        employee=out,
        start=store_local(2026, 12, 14, 23, 59),
    )

    plan = callout_plan(employee=out, reason="sick", first_day=DAY, last_day=DAY)

    assert [r.schedule.pk for r in plan.rows] == [late.pk]


def test_a_dst_day_call_out_keeps_real_elapsed_times() -> None:
    """1 Nov 2026: clocks go back at 2 am. The replacement works the same instants."""
    dst_day = dt.date(2026, 11, 1)
    with time_machine.travel(store_local(2026, 11, 1, 7, 0), tick=False):
        out = EmployeeFactory.create()
        event = EventFactory.create(
            start_datetime=store_local(2026, 10, 30), due_datetime=store_local(2026, 11, 3)
        )
        schedule = ScheduleFactory.create(
            event=event, employee=out, start=store_local(2026, 11, 1, 1, 30)
        )
        # 01:30 happened already (it is 7 am): a later one, over the whole day.
        schedule.delete()
        schedule = ScheduleFactory.create(
            event=event, employee=out, start=store_local(2026, 11, 1, 10, 45)
        )
        replacement = EmployeeFactory.create()
        before = (schedule.start, schedule.end)

        plan, _result = apply_plan(out, first_day=dst_day, last_day=dst_day)

    assert plan.rows[0].pick == replacement
    schedule.refresh_from_db()
    assert schedule.employee == replacement
    assert (schedule.start, schedule.end) == before
    assert schedule.end - schedule.start == dt.timedelta(minutes=390)
    assert schedule.work_date == dst_day


# --- applying ---------------------------------------------------------------------------


def test_apply_records_time_off_and_replaces_through_the_services(manager_user) -> None:
    out = EmployeeFactory.create(name="Ann Out")
    mine = core_schedule(out)
    free = EmployeeFactory.create(name="Cy Free")

    _, result = apply_plan(out, by=manager_user, note="Flu")

    mine.refresh_from_db()
    assert mine.employee == free and mine.is_live
    time_off = TimeOff.objects.get(employee=out)
    assert (time_off.start_date, time_off.end_date, time_off.reason) == (DAY, DAY, "Call-out: Sick")
    change = ScheduleChange.objects.get(schedule=mine)
    assert (change.action, change.source, change.by) == (
        "reassign",
        ChangeSource.CALL_OUT,
        manager_user,
    )
    call_out = CallOut.objects.get()
    assert (call_out.employee, call_out.time_off, call_out.note) == (out, time_off, "Flu")
    assert call_out.outcomes == result.outcomes
    assert [(o["outcome"], o["message"]) for o in result.outcomes] == [
        ("replaced", "Replaced by Cy Free.")
    ]
    assert AttendanceRecord.objects.count() == 0  # the day's events have not started


def test_leave_unscheduled_takes_a_core_events_supervisor_along(pair, club_supervisor) -> None:
    out = EmployeeFactory.create()
    core, supervisor_event = pair
    mine = ScheduleFactory.create(event=core, employee=out, start=CORE_START)
    check_in = ScheduleFactory.create(
        event=supervisor_event, employee=club_supervisor, start=store_local(2026, 12, 15, 12, 45)
    )

    result = callout_apply(
        employee=out,
        reason="personal",
        first_day=DAY,
        last_day=DAY,
        choices=[RowChoice(schedule_id=mine.pk, employee_id=None)],
    )

    mine.refresh_from_db()
    check_in.refresh_from_db()
    assert not mine.is_live and not check_in.is_live
    assert result.outcomes[0]["message"] == (
        "Left unscheduled. Its Supervisor check-in was unscheduled with it."
    )
    assert set(ScheduleChange.objects.values_list("source", flat=True)) == {"call_out"}


def test_a_schedule_already_started_is_left_alone_and_its_attendance_recorded() -> None:
    out = EmployeeFactory.create()
    started = core_schedule(out)
    EmployeeFactory.create()
    with time_machine.travel(store_local(2026, 12, 15, 11, 0), tick=False):
        plan, result = apply_plan(out, reason="no_show")

    assert plan.rows[0].started and plan.rows[0].candidates == []
    started.refresh_from_db()
    assert started.employee == out and started.is_live
    assert result.outcomes[0]["outcome"] == "left"
    assert result.outcomes[0]["message"] == "Already started: left as it is."
    record = AttendanceRecord.objects.get()
    assert (record.schedule, record.employee, record.status) == (
        started,
        out,
        AttendanceStatus.NO_CALL_NO_SHOW,
    )


def test_a_row_changed_meanwhile_is_refused_alone(manager_user) -> None:
    out = EmployeeFactory.create()
    first = core_schedule(out)
    second = core_schedule(out, store_local(2026, 12, 16, 10, 45))
    replacement = EmployeeFactory.create(name="Cy Free")
    other = EmployeeFactory.create(name="Zed Other")
    plan = callout_plan(employee=out, reason="sick", first_day=DAY, last_day=DAY + dt.timedelta(1))
    choices = choices_from_plan(plan.rows)
    # Meanwhile another manager moves the first one to someone else.
    schedule_reschedule(schedule=first, employee=other, by=manager_user)

    result = callout_apply(
        employee=out, reason="sick", first_day=DAY, last_day=DAY + dt.timedelta(1), choices=choices
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert [r.pick for r in plan.rows] == [replacement, other]  # the least busy first
    assert first.employee == other
    assert second.employee == other
    assert [o["outcome"] for o in result.outcomes] == ["refused", "replaced"]
    assert "changed meanwhile" in result.outcomes[0]["message"]
    assert result.outcomes[0]["errors"][0]["code"] == "conflict"


def test_a_row_the_rules_now_refuse_is_refused_alone_with_its_reasons() -> None:
    out = EmployeeFactory.create()
    first = core_schedule(out)
    second = core_schedule(out, store_local(2026, 12, 16, 10, 45))
    cy = EmployeeFactory.create(name="Cy Free")
    plan = callout_plan(employee=out, reason="sick", first_day=DAY, last_day=DAY + dt.timedelta(1))
    TimeOffFactory.create(employee=cy, start_date=DAY, end_date=DAY)  # meanwhile

    result = callout_apply(
        employee=out,
        reason="sick",
        first_day=DAY,
        last_day=DAY + dt.timedelta(1),
        choices=choices_from_plan(plan.rows),
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.employee, second.employee) == (out, cy)
    refused = result.outcomes[0]
    assert refused["outcome"] == "refused"
    assert refused["message"] == f"Refused: {cy.name} has time off on Tue 15 Dec."
    assert [e["code"] for e in refused["errors"]] == ["time_off"]


def test_warnings_refuse_unless_accepted() -> None:
    out = EmployeeFactory.create()
    mine = core_schedule(out)
    weekend = EmployeeFactory.create(available_tue=False)

    result = callout_apply(
        employee=out,
        reason="sick",
        first_day=DAY,
        last_day=DAY,
        choices=[RowChoice(schedule_id=mine.pk, employee_id=weekend.pk)],
    )
    assert result.outcomes[0]["outcome"] == "refused"
    assert result.outcomes[0]["errors"][0]["code"] == "weekly_unavailable"
    mine.refresh_from_db()
    assert mine.employee == out

    result = callout_apply(
        employee=out,
        reason="sick",
        first_day=DAY,
        last_day=DAY,
        choices=[RowChoice(schedule_id=mine.pk, employee_id=weekend.pk)],
        acknowledge=["weekly_unavailable"],
    )
    assert result.outcomes[0]["message"] == (
        f"Replaced by {weekend.name}. Warnings accepted: weekly_unavailable."
    )


def test_a_schedule_not_theirs_or_out_of_range_is_refused() -> None:
    out = EmployeeFactory.create()
    someone_elses = core_schedule(EmployeeFactory.create())
    later = core_schedule(out, store_local(2026, 12, 18, 10, 45))

    result = callout_apply(
        employee=out,
        reason="sick",
        first_day=DAY,
        last_day=DAY,
        choices=[
            RowChoice(schedule_id=someone_elses.pk, employee_id=None),
            RowChoice(schedule_id=later.pk, employee_id=None),
            RowChoice(schedule_id=10**9, employee_id=None),
        ],
    )

    assert [o["outcome"] for o in result.outcomes] == ["refused"] * 3
    assert Schedule.objects.live().count() == 2


@pytest.mark.parametrize(
    ("reason", "first", "last", "message"),
    [
        ("sick", DAY, None, "Only a termination is open-ended; give the last day."),
        ("sick", DAY, DAY - dt.timedelta(days=1), "The last day is before the first day."),
        ("bored", DAY, DAY, "Unknown reason “bored”."),
    ],
)
def test_bad_call_outs_are_refused_and_change_nothing(reason, first, last, message) -> None:
    out = EmployeeFactory.create()
    core_schedule(out)
    with pytest.raises(InvalidInputError) as refused:
        callout_apply(employee=out, reason=reason, first_day=first, last_day=last, choices=[])
    assert refused.value.detail == message
    assert (CallOut.objects.count(), TimeOff.objects.count()) == (0, 0)


def test_existing_time_off_is_kept_and_the_call_out_goes_on() -> None:
    out = EmployeeFactory.create()
    TimeOffFactory.create(employee=out, start_date=DAY, end_date=DAY)
    mine = core_schedule(out)
    EmployeeFactory.create()

    _, result = apply_plan(out)

    assert TimeOff.objects.count() == 1
    assert result.call_out.time_off is None
    assert result.outcomes[0]["outcome"] == "replaced"
    mine.refresh_from_db()
    assert mine.employee != out


def test_a_termination_is_open_ended_and_records_the_termination_date() -> None:
    out = EmployeeFactory.create()
    soon = core_schedule(out)
    far = core_schedule(
        out,
        store_local(2027, 3, 2, 10, 45),
        start_datetime=store_local(2027, 3, 1),
        due_datetime=store_local(2027, 3, 5),
    )
    EmployeeFactory.create()

    plan, result = apply_plan(out, reason="terminated", last_day=None)

    assert [r.schedule.pk for r in plan.rows] == [soon.pk, far.pk]
    out.refresh_from_db()
    assert out.termination_date == DAY
    assert TimeOff.objects.count() == 0
    assert [o["outcome"] for o in result.outcomes] == ["replaced", "replaced"]
    assert Schedule.objects.live().filter(employee=out).count() == 0


def test_the_push_outbox_gets_the_replacement(settings) -> None:
    """Sync on: the change is queued for the planning system in the same transaction
    (sent after commit, which this test does not reach)."""
    settings.SYNC_ENABLED = True
    out = EmployeeFactory.create()
    mine = core_schedule(out)
    EmployeeFactory.create(rep_id=777)

    apply_plan(out)

    assert sorted(PendingPush.objects.filter(schedule=mine).values_list("action", flat=True)) == [
        "schedule",
        "unschedule",
    ]
