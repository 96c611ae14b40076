"""Sync service against the fake planning system on loopback: upsert, idempotence,
bad records, vanished and canceled events, schedule import through the rules engine."""

import datetime as dt
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.exceptions import ExternalAPIError
from employees.models import JobTitle
from events.models import Event, EventCondition
from events.types import EventType
from planning.models import PendingPush, SyncRun
from planning.sync import sync_run
from scheduler.models import ChangeSource, Schedule, ScheduleChange
from tests.employees.factories import EmployeeFactory, TimeOffFactory
from tests.events.factories import EventFactory, store_local
from tests.planning.fake_planning import PASSWORD, FakePlanningSystem, Fault, mplan

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2026, 12, 14), dt.date(2026, 12, 20)
WINDOW_END = dt.date(2026, 12, 19)


def _batch(fake: FakePlanningSystem, n: int = 3, *, first_ref: int = 9100001) -> None:
    for i in range(n):
        fake.add(mplan(first_ref + i, f"{606100 + i}-CORE-Product {i}", FIRST, WINDOW_END))


def _sync(client=None) -> SyncRun:
    return sync_run(start=FIRST, end=LAST, trigger="test", client=client)


def test_happy_path_creates_events_pairs_and_records_the_run(sync_on):
    sync_on.add(
        mplan(
            9100001,
            "606034-CORE-Super Pretzel",
            FIRST,
            WINDOW_END,
            url="https://tools.example.com/606034",
        ),
        mplan(9200001, "606034-Supervisor-Super Pretzel", FIRST, WINDOW_END),
        mplan(9300001, "607001-FREEOSK-Kiosk", FIRST, WINDOW_END, condition="Submitted"),
    )

    run = _sync()

    assert (run.status, run.fetched, run.created, run.updated, run.unchanged, run.skipped) == (
        "succeeded",
        3,
        3,
        0,
        0,
        0,
    )
    core = Event.objects.get(project_ref_num=9100001)
    supervisor = Event.objects.get(project_ref_num=9200001)
    freeosk = Event.objects.get(project_ref_num=9300001)
    assert core.event_type == EventType.CORE and core.event_number == "606034"
    assert core.start_datetime == store_local(2026, 12, 14)
    assert core.due_datetime == store_local(2026, 12, 19)
    assert core.sales_tool_url == "https://tools.example.com/606034"
    assert core.last_synced_at is not None
    assert supervisor.core_event_id == core.pk
    assert freeosk.event_type == EventType.FREEOSK
    assert freeosk.condition == EventCondition.SUBMITTED


def test_replay_changes_nothing_and_writes_nothing(sync_on):
    _batch(sync_on, 5)
    _sync()
    before = {e.pk: e.updated_at for e in Event.objects.all()}

    with CaptureQueriesContext(connection) as captured:
        run = _sync()

    assert (run.created, run.updated, run.unchanged, run.skipped) == (0, 0, 5, 0)
    assert {e.pk: e.updated_at for e in Event.objects.all()} == before
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE")) and "events_event" in q["sql"].split("SET")[0]
    ]
    assert writes == []


def test_overlapping_second_batch_updates_only_what_changed(sync_on):
    _batch(sync_on, 4)
    _sync()
    untouched = Event.objects.get(project_ref_num=9100001).updated_at
    sync_on.plans[9100002]["name"] = "606101-CORE-Product 1 renamed"
    sync_on.plans[9100003]["endDate"] = "12/20/2026"
    del sync_on.plans[9100004]
    _batch(sync_on, 2, first_ref=9100005)

    run = _sync()

    assert (run.created, run.updated, run.unchanged, run.marked_missing) == (2, 2, 1, 1)
    assert Event.objects.get(project_ref_num=9100001).updated_at == untouched
    assert Event.objects.get(project_ref_num=9100002).project_name.endswith("renamed")
    assert Event.objects.get(project_ref_num=9100003).due_datetime == store_local(2026, 12, 20)
    gone = Event.objects.get(project_ref_num=9100004)  # vanished upstream: kept, marked
    assert gone.upstream_missing_since is not None


def test_an_event_that_comes_back_is_no_longer_marked_missing(sync_on):
    _batch(sync_on, 2)
    _sync()
    plan = sync_on.plans.pop(9100002)
    _sync()
    sync_on.add(plan)

    run = _sync()

    assert run.updated == 1
    assert Event.objects.get(project_ref_num=9100002).upstream_missing_since is None


def test_canceled_upstream_is_marked_canceled_not_deleted(sync_on):
    _batch(sync_on, 2)
    _sync()
    sync_on.plans[9100002]["condition"] = "Cancelled"

    run = _sync()

    assert run.updated == 1
    assert Event.objects.get(project_ref_num=9100002).condition == EventCondition.CANCELED
    assert Event.objects.count() == 2


def test_staff_corrected_type_is_kept(sync_on):
    _batch(sync_on, 1)
    _sync()
    Event.objects.filter(project_ref_num=9100001).update(event_type=EventType.OTHER)

    run = _sync()

    assert run.unchanged == 1
    assert Event.objects.get(project_ref_num=9100001).event_type == EventType.OTHER


def test_bad_records_are_skipped_with_reasons_and_the_rest_stored(sync_on):
    _batch(sync_on, 2)
    sync_on.garbage = [
        "not an object",
        {
            "mPlanID": "ABC-17",
            "name": "607005-CORE-Mystery",
            "storeID": "8135",
            "startDate": "12/14/2026",
            "endDate": "12/18/2026",
        },
        {"mPlanID": 9300002, "storeID": "8135", "startDate": "12/14/2026", "endDate": "12/18/2026"},
        {
            "mPlanID": 9300003,
            "name": "607006-CORE-Backwards",
            "storeID": "8135",
            "startDate": "12/18/2026",
            "endDate": "12/14/2026",
        },
        {
            "mPlanID": 9300004,
            "name": "607007-CORE-Bad date",
            "storeID": "8135",
            "startDate": "2026-13-45",
            "endDate": "12/14/2026",
        },
        {
            "mPlanID": 0,
            "name": "607008-CORE-Zero",
            "storeID": "8135",
            "startDate": "12/14/2026",
            "endDate": "12/18/2026",
        },
        {
            "mPlanID": 9100001,
            "name": "606999-CORE-Duplicate",
            "storeID": "8135",
            "startDate": "12/14/2026",
            "endDate": "12/18/2026",
        },
        {
            "mPlanID": 9300005,
            "name": "607009-CORE-Condition",
            "storeID": "8135",
            "startDate": "12/14/2026",
            "endDate": "12/18/2026",
            "condition": "Exploded",
        },
    ]

    run = _sync()

    assert (run.created, run.skipped) == (2, 8)
    assert set(Event.objects.values_list("project_ref_num", flat=True)) == {9100001, 9100002}
    assert Event.objects.get(project_ref_num=9100001).project_name == "606100-CORE-Product 0"
    reasons = {e["ref"]: e["reason"] for e in run.errors}
    assert reasons["ABC-17"] == "project reference number 'ABC-17' is not a number"
    assert reasons["9300002"] == "name is missing"
    assert "window ends before it starts" in reasons["9300003"]
    assert "not a date" in reasons["9300004"]
    assert reasons["0"] == "project reference number 0 is out of range"
    assert reasons["9100001"].startswith("duplicate project reference number 9100001")
    assert reasons["9300005"] == "unknown condition 'Exploded'"
    assert "" in reasons  # the record that was not an object
    assert not Event.objects.filter(project_ref_num=0).exists()


def test_garbage_json_fails_the_run_and_marks_nothing(sync_on):
    _batch(sync_on, 2)
    _sync()
    sync_on.fail("mplans", Fault(status=200, body="<html>maintenance</html>"))

    with pytest.raises(ExternalAPIError):
        _sync()

    run = SyncRun.objects.first()
    assert run is not None and run.status == SyncRun.Status.FAILED
    assert "invalid JSON" in run.failure
    assert not Event.objects.filter(upstream_missing_since__isnull=False).exists()


def test_login_expiry_mid_sync_logs_in_once_more(sync_on):
    _batch(sync_on, 2)
    sync_on.add(mplan(9100009, "606109-CORE-Next week", LAST, LAST + dt.timedelta(days=3)))
    # The first week's call goes through; the session ends before the second week's.
    sync_on.fail("mplans", Fault(passthrough=True), Fault(expire=True))

    run = sync_run(start=FIRST, end=FIRST + dt.timedelta(days=13), trigger="test")

    assert (run.status, run.created) == ("succeeded", 3)
    assert sync_on.logins == 2
    assert sync_on.calls["mplans"] == 3  # week 1, week 2 (expired), week 2 again


def test_flaky_server_then_success(sync_on):
    _batch(sync_on, 2)
    sync_on.fail("mplans", Fault(status=500), Fault(status=503, headers={"Retry-After": "0"}))

    run = _sync()

    assert run.created == 2


def test_no_password_in_the_log_of_a_whole_sync(sync_on, caplog):
    caplog.set_level(logging.DEBUG)
    _batch(sync_on, 2)
    sync_on.fail("login", Fault(status=503))
    sync_on.fail("mplans", Fault(status=500))
    _sync()
    sync_on.garbage = ["junk"]
    sync_on.fail("mplans", Fault(status=200, body="nope"), Fault(status=200, body="nope"))
    with pytest.raises(ExternalAPIError):
        _sync()

    assert "retry" in caplog.text
    assert PASSWORD not in caplog.text


def test_queries_are_constant_per_batch(sync_on):
    _batch(sync_on, 10)
    with CaptureQueriesContext(connection) as small:
        _sync()
    Event.objects.all().delete()
    SyncRun.objects.all().delete()
    _batch(sync_on, 40, first_ref=9200001)
    with CaptureQueriesContext(connection) as large:
        _sync()

    assert len(small) == len(large)


# --- schedules --------------------------------------------------------------------------


def _scheduled_plan(
    fake,
    rep_id,
    *,
    ref=9100001,
    name="606034-CORE-Super Pretzel",
    when="12/15/2026 10:45:00 AM",
    schedule_id="S-1",
):
    fake.add(
        mplan(
            ref,
            name,
            FIRST,
            WINDOW_END,
            condition="Scheduled",
            rep_id=rep_id,
            schedule_date=when,
            schedule_id=schedule_id,
        )
    )


def test_upstream_schedule_is_imported_by_rep_id_and_not_pushed_back(sync_on):
    employee = EmployeeFactory.create(rep_id=424242)
    _scheduled_plan(sync_on, 424242)

    run = _sync()

    assert run.schedules_imported == 1
    schedule = Schedule.objects.live().get()
    assert schedule.employee == employee
    assert schedule.start == store_local(2026, 12, 15, 10, 45)
    assert schedule.external_schedule_id == "S-1"
    assert ScheduleChange.objects.get().source == ChangeSource.SYNC
    assert PendingPush.objects.count() == 0  # came from upstream: never pushed back
    assert Event.objects.get().condition == EventCondition.SCHEDULED

    replay = _sync()

    assert (replay.unchanged, replay.schedules_imported, replay.conflicts) == (1, 0, 0)
    assert Schedule.objects.count() == 1


def test_upstream_schedule_breaking_a_hard_rule_is_a_conflict_not_forced(sync_on):
    employee = EmployeeFactory.create(rep_id=424242)
    TimeOffFactory.create(employee=employee, start_date=dt.date(2026, 12, 15))
    _scheduled_plan(sync_on, 424242)

    run = _sync()

    assert (run.created, run.schedules_imported, run.conflicts) == (1, 0, 1)
    assert not Schedule.objects.exists()
    assert "time_off" in run.errors[0]["reason"]


def test_unknown_rep_is_reported(sync_on):
    _scheduled_plan(sync_on, 777)

    run = _sync()

    assert run.conflicts == 1
    assert run.errors[0]["reason"] == "schedule not imported: no employee with rep id 777"


def test_a_different_local_schedule_is_kept_and_reported(sync_on):
    upstream_rep = EmployeeFactory.create(rep_id=424242)
    local_rep = EmployeeFactory.create(rep_id=434343, name="Local Person")
    event = EventFactory.create(project_ref_num=9100001, project_name="606034-CORE-Super Pretzel")
    from scheduler.services import schedule_create

    schedule_create(event=event, employee=local_rep, start=store_local(2026, 12, 16, 10, 45))
    _scheduled_plan(sync_on, upstream_rep.rep_id)

    run = _sync()

    assert run.conflicts == 1
    assert "kept the local one" in run.errors[0]["reason"]
    assert Schedule.objects.live().get().employee == local_rep


def test_supervisor_schedule_is_imported_before_the_core_cascade(sync_on):
    specialist = EmployeeFactory.create(rep_id=1)
    supervisor = EmployeeFactory.create(rep_id=2, job_title=JobTitle.CLUB_SUPERVISOR)
    _scheduled_plan(sync_on, specialist.rep_id, schedule_id="S-1")
    _scheduled_plan(
        sync_on,
        supervisor.rep_id,
        ref=9200001,
        name="606034-Supervisor-Super Pretzel",
        when="12/15/2026 12:45:00 PM",
        schedule_id="S-2",
    )

    run = _sync()

    assert (run.schedules_imported, run.conflicts) == (2, 0)
    assert sorted(Schedule.objects.live().values_list("external_schedule_id", flat=True)) == [
        "S-1",
        "S-2",
    ]


def test_a_scheduled_event_canceled_or_moved_upstream_is_reported_and_kept(sync_on):
    from scheduler.services import schedule_create

    _batch(sync_on, 2)
    _sync()
    employee = EmployeeFactory.create()
    for ref in (9100001, 9100002):
        schedule_create(
            event=Event.objects.get(project_ref_num=ref),
            employee=EmployeeFactory.create() if ref == 9100002 else employee,
            start=store_local(2026, 12, 15, 10, 45),
        )
    sync_on.plans[9100001]["condition"] = "Canceled"
    sync_on.plans[9100002]["startDate"] = "12/16/2026"

    run = _sync()

    assert run.updated == 2
    reasons = {e["ref"]: e["reason"] for e in run.errors if e["kind"] == "conflict"}
    assert reasons == {
        "9100001": "canceled upstream but scheduled here on 12/15/2026 10:45 "
        "(kept; reschedule or unschedule it)",
        "9100002": "the planning system moved the window; the schedule on 12/15/2026 10:45 "
        "is now outside it (kept; reschedule or unschedule it)",
    }
    assert Schedule.objects.live().count() == 2


def test_unscheduled_upstream_is_reported_and_the_local_schedule_kept(sync_on):
    EmployeeFactory.create(rep_id=424242, name="Rita Rep")
    _scheduled_plan(sync_on, 424242)
    _sync()
    plan = sync_on.plans[9100001]
    plan.update(scheduleRepID="", scheduleDate="", scheduleEventID="", condition="Unstaffed")

    run = _sync()

    assert run.conflicts == 1
    assert run.errors[0]["reason"] == (
        "unscheduled in the planning system, still scheduled here for Rita Rep on "
        "12/15/2026 10:45 (kept; unschedule it if that is right)"
    )
    assert Schedule.objects.live().count() == 1


def test_a_schedule_waiting_in_the_outbox_is_not_reported_as_unscheduled(sync_on):
    from planning.models import PendingPush

    employee = EmployeeFactory.create(rep_id=424242)
    _batch(sync_on, 1)
    _sync()
    from scheduler.services import schedule_create

    result = schedule_create(
        event=Event.objects.get(), employee=employee, start=store_local(2026, 12, 15, 10, 45)
    )  # on_commit does not run here: the push stays pending
    Schedule.objects.filter(pk=result.schedule.pk).update(external_schedule_id="70001")
    assert PendingPush.objects.filter(state="pending").count() == 1

    run = _sync()

    assert run.conflicts == 0
