"""Change notices after a week is published: exactly one per employee per transaction,
whatever wrote the rows (a manager, an auto-scheduler approval, the sync, a call-out),
savepoints rolled back included; told when sent, never twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from attendance.services import RowChoice, callout_apply
from employees.models import Employee, JobTitle
from events.models import Event
from events.types import EventType
from planning.sync import sync_run
from scheduler import hooks
from scheduler.auto_services import auto_run_approve, auto_run_execute, auto_run_start
from scheduler.bulk import ScheduleRequest, schedule_create_many
from scheduler.models import ChangeSource, Schedule
from scheduler.rules import Code
from scheduler.services import schedule_create, schedule_reschedule, schedule_unschedule
from selfservice.changes import HOOK_KEY, notice_on_schedule_changed
from selfservice.models import EmployeePreferences, Notice, NoticeKind, NoticeState
from selfservice.notices import notice_deliver
from selfservice.services import preferences_set_notices, week_publish
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.planning.fake_planning import FakePlanningSystem, mplan
from tests.scheduler.factories import ScheduleFactory
from tests.selfservice.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 12, 14)
ALL_CODES = [str(code) for code in Code]


@pytest.fixture(autouse=True)
def thursday_before() -> Iterator[None]:
    """Thursday 10 December, 9:00: next week is published."""
    with time_machine.travel(store_local(2026, 12, 10, 9, 0), tick=False):
        yield


def on(employee: Employee, day: int, hour: int = 10, name: str = "") -> Schedule:
    """A Core schedule of `employee` on December `day`, its event's window that day."""
    opens = store_local(2026, 12, day)
    event = EventFactory.create(
        start_datetime=opens,
        due_datetime=opens + dt.timedelta(days=1),
        **({"project_name": name} if name else {}),
    )
    return ScheduleFactory.create(
        event=event, employee=employee, start=store_local(2026, 12, day, hour, 0)
    )


@pytest.fixture
def ann() -> Employee:
    return EmployeeFactory.create(name="Ann Able", email="ann@example.com")


@pytest.fixture
def week(employee: Employee, other: Employee) -> dict[str, Schedule]:
    return {
        "emma_tue": on(employee, 15, name="606001-CORE-Super Pretzel"),
        "emma_thu": on(employee, 17, name="606002-CORE-Crunchy Crackers"),
        "otto_wed": on(other, 16, name="606003-CORE-Sparkling Water"),
    }


@pytest.fixture
def published(week: dict[str, Schedule], manager_user: User) -> dict[str, Schedule]:
    week_publish(day=MONDAY, by=manager_user)
    Notice.objects.all().delete()  # the digests; what follows counts change notices
    mail.outbox.clear()
    return week


def change_notices() -> dict[str, int]:
    """Recipient → number of change notices."""
    counts: dict[str, int] = {}
    for recipient in Notice.objects.filter(kind=NoticeKind.CHANGE).values_list(
        "recipient", flat=True
    ):
        counts[recipient] = counts.get(recipient, 0) + 1
    return counts


class _Undo(Exception):
    pass


# --- exactly one per employee per transaction -------------------------------------------


def test_a_manual_change_writes_one_notice_sent_after_commit(
    published: dict[str, Schedule], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        schedule_reschedule(schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0))

    assert change_notices() == {"emma@example.com": 1}
    [email] = mail.outbox
    assert (email.to, email.subject) == (["emma@example.com"], "Your schedule changed")
    assert "Week of Mon 14 Dec:" in email.body
    assert "Moved: Tue 15 Dec 12:00\N{EN DASH}18:30 · Core: 606001-CORE-Super Pretzel" in email.body
    assert "(was Tue 15 Dec 10:00\N{EN DASH}16:30)" in email.body
    assert "Thu 17 Dec 10:00\N{EN DASH}16:30 · Core: 606002-CORE-Crunchy Crackers" in email.body
    notice = Notice.objects.get()
    assert notice.state == NoticeState.SENT and notice.body == email.body


def test_a_reassignment_tells_both_and_many_rows_of_one_transaction_tell_each_once(
    published: dict[str, Schedule], other: Employee, ann: Employee
) -> None:
    with transaction.atomic():
        schedule_reschedule(schedule=published["otto_wed"], employee=ann)
        schedule_reschedule(schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0))
        schedule_reschedule(schedule=published["emma_thu"], start=store_local(2026, 12, 17, 11, 0))
        schedule_unschedule(schedule=Schedule.objects.get(pk=published["emma_thu"].pk))
        on_ann = schedule_create(
            event=EventFactory.create(), employee=ann, start=store_local(2026, 12, 18, 9, 0)
        )
        assert on_ann.schedule.pk

    assert change_notices() == {
        "emma@example.com": 1,
        "otto@example.com": 1,
        "ann@example.com": 1,
    }
    assert notice_deliver()["sent"] == 3
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert (
        "Taken off: Wed 16 Dec 10:00\N{EN DASH}16:30 · Core: 606003-CORE-Sparkling Water"
        in (bodies["otto@example.com"])
    )
    assert "Nothing is scheduled for you." in bodies["otto@example.com"]
    assert "Added: Wed 16 Dec 10:00\N{EN DASH}16:30" in bodies["ann@example.com"]
    assert "Added: Fri 18 Dec 09:00\N{EN DASH}15:30" in bodies["ann@example.com"]
    emma = bodies["emma@example.com"]
    assert "Moved: Tue 15 Dec 12:00\N{EN DASH}18:30" in emma and "Taken off: Thu 17 Dec" in emma


def test_each_transaction_gets_its_own(published: dict[str, Schedule]) -> None:
    schedule_reschedule(schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0))
    schedule_reschedule(schedule=published["emma_thu"], start=store_local(2026, 12, 17, 12, 0))
    assert change_notices() == {"emma@example.com": 2}


def test_a_rolled_back_savepoint_takes_its_notices_with_it(
    published: dict[str, Schedule], other: Employee, ann: Employee
) -> None:
    with transaction.atomic():
        schedule_reschedule(schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0))
        with pytest.raises(_Undo), transaction.atomic():
            schedule_reschedule(schedule=published["otto_wed"], employee=ann)
            schedule_reschedule(
                schedule=published["emma_thu"], start=store_local(2026, 12, 17, 12, 0)
            )
            assert change_notices() == {
                "emma@example.com": 1,
                "otto@example.com": 1,
                "ann@example.com": 1,
            }
            raise _Undo
        assert change_notices() == {"emma@example.com": 1}
        # Otto's notice went with the savepoint: his next change must write another.
        schedule_reschedule(
            schedule=Schedule.objects.get(pk=published["otto_wed"].pk),
            start=store_local(2026, 12, 16, 13, 0),
        )

    assert change_notices() == {"emma@example.com": 1, "otto@example.com": 1}


def test_an_employee_first_touched_in_a_rolled_back_savepoint_is_told_once_after(
    published: dict[str, Schedule],
) -> None:
    with transaction.atomic():
        with pytest.raises(_Undo), transaction.atomic():
            schedule_reschedule(
                schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0)
            )
            raise _Undo
        assert change_notices() == {}
        schedule_reschedule(
            schedule=Schedule.objects.get(pk=published["emma_tue"].pk),
            start=store_local(2026, 12, 15, 13, 0),
        )
        schedule_reschedule(schedule=published["emma_thu"], start=store_local(2026, 12, 17, 13, 0))
    assert change_notices() == {"emma@example.com": 1}


@pytest.mark.django_db(transaction=True)
def test_real_commits_one_notice_per_transaction_sent_once_after_each(
    employee: Employee, other: Employee, manager_user: User
) -> None:
    week = {
        "emma_tue": on(employee, 15),
        "emma_thu": on(employee, 17),
        "otto_wed": on(other, 16),
    }
    week_publish(day=MONDAY, by=manager_user)  # commits; its digests are sent
    assert len(mail.outbox) == 2
    mail.outbox.clear()

    with transaction.atomic():
        for key in ("emma_tue", "emma_thu"):
            schedule_reschedule(schedule=week[key], start=week[key].start + dt.timedelta(hours=1))
        schedule_reschedule(schedule=week["otto_wed"], employee=employee)
        assert mail.outbox == []  # nothing leaves before the commit

    assert change_notices() == {"emma@example.com": 1, "otto@example.com": 1}
    assert sorted(m.to[0] for m in mail.outbox) == ["emma@example.com", "otto@example.com"]
    schedule_unschedule(schedule=Schedule.objects.get(pk=week["otto_wed"].pk))

    assert change_notices() == {"emma@example.com": 2, "otto@example.com": 1}
    assert len(mail.outbox) == 3
    assert "Taken off: Wed 16 Dec" in mail.outbox[-1].body


# --- every writer ------------------------------------------------------------------------


def test_auto_scheduler_approval_one_notice_per_employee(settings: Any, manager_user: User) -> None:
    """Fifty proposals over ten employees: ten notices, and the handler's own queries are
    two per transaction plus one per employee told (measured, not guessed)."""
    settings.AUTO_SCHEDULER_ENABLED = True
    settings.AUTO_SCHEDULER_TIME_LIMIT = 5.0
    for i in range(10):
        EmployeeFactory.create(name=f"Person {i:02d}", job_title=JobTitle.EVENT_SPECIALIST)
    on(EmployeeFactory.create(name="Not Proposed"), 14, hour=7)  # something to publish
    for day in range(5):
        start = store_local(2026, 12, 14 + day)
        for i in range(10):
            EventFactory.create(
                project_name=f"{700100 + day * 10 + i}-CORE-Demo",
                start_datetime=start,
                due_datetime=start + dt.timedelta(days=1),
            )
    week_publish(day=MONDAY, by=manager_user)
    Notice.objects.all().delete()
    run = auto_run_start(
        first_day=MONDAY,
        last_day=MONDAY + dt.timedelta(days=6),
        today=dt.date(2026, 12, 10),
        enqueue=False,
    )
    run = auto_run_execute(run_id=run.pk)
    assert run.placed_count == 50

    with CaptureQueriesContext(connection) as captured:
        outcomes = auto_run_approve(run=run, by=manager_user)

    assert sum(o.applied for o in outcomes) == 50
    told = {o.proposal.employee.email for o in outcomes if o.proposal.employee}
    assert len(told) >= 10
    assert change_notices() == dict.fromkeys(told, 1)
    ours = [q["sql"] for q in captured if "selfservice_" in q["sql"]]
    # Published weeks, who switched notices off, then one insert per employee told.
    assert len(ours) == 2 + len(told), ours


def test_sync_batch_one_notice_per_employee(
    sync_on: FakePlanningSystem, employee: Employee, other: Employee, manager_user: User
) -> None:
    on(employee, 14, hour=7)
    week_publish(day=MONDAY, by=manager_user)
    Notice.objects.all().delete()
    Employee.objects.filter(pk=employee.pk).update(rep_id=424201)
    Employee.objects.filter(pk=other.pk).update(rep_id=424202)
    for i, (rep, day) in enumerate([(424201, 15), (424201, 16), (424202, 15), (424202, 17)]):
        sync_on.add(
            mplan(
                9300001 + i,
                f"{606200 + i}-CORE-Upstream {i}",
                MONDAY,
                dt.date(2026, 12, 19),
                condition="Scheduled",
                rep_id=rep,
                schedule_date=f"12/{day}/2026 10:45:00 AM",
                schedule_id=f"S-{i}",
            )
        )

    run = sync_run(start=MONDAY, end=dt.date(2026, 12, 20), trigger="test")

    assert run.schedules_imported == 4
    assert ChangeSource.SYNC in set(
        Schedule.objects.filter(external_schedule_id__startswith="S-").values_list(
            "changes__source", flat=True
        )
    )
    assert change_notices() == {"emma@example.com": 1, "otto@example.com": 1}


def test_a_sync_batch_redone_one_at_a_time_still_tells_each_once(
    published: dict[str, Schedule], employee: Employee, other: Employee
) -> None:
    """A Supervisor event scheduled before its Core makes the batch go one request at a
    time (scheduler/bulk.py): still one notice per employee for the whole batch."""
    core = EventFactory.create(project_name="606300-CORE-Paired")
    supervisor = EventFactory.create(
        project_name="606300-Supervisor-Paired",
        event_type=EventType.SUPERVISOR,
        estimated_minutes=5,
        core_event=core,
    )
    checker = EmployeeFactory.create(job_title=JobTitle.CLUB_SUPERVISOR, email="cy@example.com")
    schedule_create(event=supervisor, employee=checker, start=store_local(2026, 12, 18, 9, 0))
    Notice.objects.all().delete()
    requests = [
        ScheduleRequest(
            key=1, event=core, employee=employee, start=store_local(2026, 12, 18, 10, 45)
        ),
        ScheduleRequest(
            key=2,
            event=EventFactory.create(),
            employee=employee,
            start=store_local(2026, 12, 16, 8, 0),
        ),
        ScheduleRequest(
            key=3,
            event=EventFactory.create(),
            employee=other,
            start=store_local(2026, 12, 18, 8, 0),
        ),
    ]
    result = schedule_create_many(
        requests=requests, source=ChangeSource.SYNC, acknowledge=ALL_CODES
    )
    assert set(result.created) == {1, 2, 3}, result.refused
    assert change_notices() == {
        "emma@example.com": 1,
        "otto@example.com": 1,
        "cy@example.com": 1,  # its Supervisor event moved with the Core
    }


def test_call_out_one_notice_per_employee(
    published: dict[str, Schedule], employee: Employee, other: Employee, ann: Employee
) -> None:
    result = callout_apply(
        employee=employee,
        reason="sick",
        first_day=dt.date(2026, 12, 15),
        last_day=dt.date(2026, 12, 17),
        choices=[
            RowChoice(schedule_id=published["emma_tue"].pk, employee_id=ann.pk),
            RowChoice(schedule_id=published["emma_thu"].pk, employee_id=ann.pk),
        ],
        acknowledge=ALL_CODES,
    )
    assert [o["outcome"] for o in result.outcomes] == ["replaced", "replaced"]
    assert change_notices() == {"emma@example.com": 1, "ann@example.com": 1}


# --- who is told, what and when ---------------------------------------------------------


def test_unpublished_weeks_and_past_days_tell_nobody(
    published: dict[str, Schedule], employee: Employee
) -> None:
    later = on(employee, 22)  # the week after: not published
    schedule_reschedule(schedule=later, start=later.start + dt.timedelta(hours=1))
    earlier = on(employee, 9)  # yesterday, in a week not published either
    schedule_unschedule(schedule=earlier)
    assert change_notices() == {}
    with time_machine.travel(store_local(2026, 12, 16, 9, 0), tick=False):
        schedule_unschedule(schedule=published["emma_tue"])  # Tuesday is past now
    assert change_notices() == {}


def test_opted_out_and_inactive_employees_get_no_change_notice(
    published: dict[str, Schedule], employee: Employee, other: Employee
) -> None:
    preferences_set_notices(employee_id=employee.pk, enabled=False)
    Employee.objects.filter(pk=other.pk).update(is_active=False)
    schedule_reschedule(schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0))
    schedule_unschedule(schedule=published["otto_wed"])
    assert change_notices() == {}

    preferences_set_notices(employee_id=employee.pk, enabled=True)
    schedule_reschedule(
        schedule=Schedule.objects.get(pk=published["emma_tue"].pk),
        start=store_local(2026, 12, 15, 13, 0),
    )
    assert change_notices() == {"emma@example.com": 1}
    assert EmployeePreferences.objects.get(employee=employee).notices_enabled


def test_two_notices_waiting_send_one_email_and_a_change_undone_sends_none(
    published: dict[str, Schedule],
) -> None:
    tue = published["emma_tue"]
    schedule_reschedule(schedule=tue, start=store_local(2026, 12, 15, 12, 0))
    schedule_reschedule(schedule=published["emma_thu"], start=store_local(2026, 12, 17, 12, 0))
    assert change_notices() == {"emma@example.com": 2}

    assert notice_deliver() == {"sent": 1, "skipped": 1, "retry": 0, "failed": 0, "waiting": 0}
    [email] = mail.outbox
    assert "Moved: Tue 15 Dec 12:00" in email.body and "Moved: Thu 17 Dec 12:00" in email.body
    states = list(Notice.objects.order_by("id").values_list("state", flat=True))
    assert states == [NoticeState.SENT, NoticeState.SKIPPED]

    # Moved and moved back in one transaction: nothing left to tell.
    with transaction.atomic():
        schedule_reschedule(
            schedule=Schedule.objects.get(pk=tue.pk), start=store_local(2026, 12, 15, 14, 0)
        )
        schedule_reschedule(
            schedule=Schedule.objects.get(pk=tue.pk), start=store_local(2026, 12, 15, 12, 0)
        )
    assert notice_deliver()["skipped"] == 1
    assert len(mail.outbox) == 1

    # The next change is told against what the last email said, not the publication.
    schedule_reschedule(
        schedule=Schedule.objects.get(pk=tue.pk), start=store_local(2026, 12, 15, 10, 0)
    )
    assert notice_deliver()["sent"] == 1
    last = mail.outbox[-1].body
    assert (
        "Moved: Tue 15 Dec 10:00\N{EN DASH}16:30" in last
        and "(was Tue 15 Dec 12:00\N{EN DASH}18:30)" in last
    )
    assert "Thu 17 Dec" not in last.split("That week now")[0]  # told already


def test_a_republished_week_is_told_against_the_new_publication(
    published: dict[str, Schedule], manager_user: User
) -> None:
    schedule_reschedule(schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0))
    week_publish(day=MONDAY, by=manager_user)  # the digest tells the move
    assert notice_deliver() == {"sent": 1, "skipped": 1, "retry": 0, "failed": 0, "waiting": 0}
    assert [m.subject for m in mail.outbox] == ["Your schedule for the week of Mon 14 Dec"]


def test_without_the_handler_nothing_is_written(published: dict[str, Schedule]) -> None:
    registration = hooks.unregister(HOOK_KEY)
    try:
        schedule_unschedule(schedule=published["emma_tue"])
    finally:
        assert registration is not None
        hooks.on_schedule_changed(key=HOOK_KEY, handler=notice_on_schedule_changed)
    assert change_notices() == {}
    assert [r.key for r in hooks.registrations()].count(HOOK_KEY) == 1


def test_one_bulk_write_costs_two_queries_and_one_per_employee_told(
    published: dict[str, Schedule], employee: Employee, other: Employee, ann: Employee
) -> None:
    """Fifteen rows over three employees in one transaction (the sync's batch): the
    handler reads the published weeks and who switched notices off, then writes one row
    per employee told, whatever the number of rows."""
    leads = [employee.pk, other.pk, ann.pk]
    Employee.objects.filter(pk__in=leads).update(job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    employee, other, ann = (Employee.objects.get(pk=pk) for pk in leads)
    requests = [
        ScheduleRequest(
            key=i,
            event=EventFactory.create(event_type=EventType.OTHER, estimated_minutes=60),
            employee=person,
            start=store_local(2026, 12, 14 + i // 3, 7, 0),
        )
        for i, person in enumerate([employee, other, ann] * 5)
    ]
    with CaptureQueriesContext(connection) as captured:
        result = schedule_create_many(
            requests=requests, source=ChangeSource.SYNC, acknowledge=ALL_CODES
        )
    assert len(result.created) == 15, [e.errors for e in result.refused.values()][:2]
    ours = [q["sql"] for q in captured if "selfservice_" in q["sql"]]
    assert len(ours) == 2 + 3, ours
    assert change_notices() == {"emma@example.com": 1, "otto@example.com": 1, "ann@example.com": 1}


def test_a_week_not_published_costs_one_query(employee: Employee) -> None:
    requests = [
        ScheduleRequest(
            key=i,
            event=EventFactory.create(),
            employee=employee,
            start=store_local(2026, 12, 14 + i, 10, 0),
        )
        for i in range(5)
    ]
    with CaptureQueriesContext(connection) as captured:
        schedule_create_many(requests=requests, source=ChangeSource.SYNC, acknowledge=ALL_CODES)
    assert len([q for q in captured if "selfservice_" in q["sql"]]) == 1
    assert Notice.objects.count() == 0
    assert Event.objects.count() == 5


def test_a_change_notice_refused_by_the_mail_server_is_told_once_on_the_retry(
    published: dict[str, Schedule], smtp: SMTPServer
) -> None:
    schedule_reschedule(schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0))
    smtp.refuse_next = 1

    assert notice_deliver()["retry"] == 1

    first = Notice.objects.get()
    assert first.told is None and smtp.accepted == []
    # Another change while it waits: the retry tells both; the second has nothing left.
    schedule_reschedule(schedule=published["emma_thu"], start=store_local(2026, 12, 17, 12, 0))
    later = first.next_attempt_at + dt.timedelta(seconds=1)
    assert notice_deliver(now=later) == {
        "sent": 1,
        "skipped": 1,
        "retry": 0,
        "failed": 0,
        "waiting": 0,
    }
    assert notice_deliver(now=later + dt.timedelta(hours=2))["sent"] == 0
    [message] = smtp.accepted
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert message["To"] == "emma@example.com"
    assert "Moved: Tue 15 Dec 12:00" in body and "Moved: Thu 17 Dec 12:00" in body


def test_a_later_notice_waits_for_the_earlier_one_of_the_same_employee(
    published: dict[str, Schedule], other: Employee
) -> None:
    schedule_reschedule(schedule=published["emma_tue"], start=store_local(2026, 12, 15, 12, 0))
    schedule_reschedule(schedule=published["emma_thu"], start=store_local(2026, 12, 17, 12, 0))
    schedule_unschedule(schedule=published["otto_wed"])
    first = Notice.objects.filter(recipient="emma@example.com").earliest("id")
    Notice.objects.filter(pk=first.pk).update(
        next_attempt_at=first.next_attempt_at + dt.timedelta(minutes=5), attempts=1
    )  # waiting for its retry

    assert notice_deliver() == {"sent": 1, "skipped": 0, "retry": 0, "failed": 0, "waiting": 1}
    assert [m.to for m in mail.outbox] == [["otto@example.com"]]  # Otto's own goes on

    later = first.next_attempt_at + dt.timedelta(minutes=6)
    assert notice_deliver(now=later) == {
        "sent": 1,
        "skipped": 1,
        "retry": 0,
        "failed": 0,
        "waiting": 0,
    }
    emma = mail.outbox[-1].body
    assert "Moved: Tue 15 Dec 12:00" in emma and "Moved: Thu 17 Dec 12:00" in emma
