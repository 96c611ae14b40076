import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from employees.models import (
    CompanyHoliday,
    Employee,
    JobTitle,
    Rotation,
    RotationException,
    RotationKind,
    TimeOff,
    UnavailableDate,
)
from events.models import Event, EventCondition
from events.types import EventType, detect_event_type, event_number
from scheduler.models import Schedule
from tests.core.rules_check import Violation, hard_violations, load_rows
from tests.employees.factories import (
    CompanyHolidayFactory,
    EmployeeFactory,
    TimeOffFactory,
    UnavailableDateFactory,
)
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

# From 21 December two weeks of windows hold Christmas and New Year's Day.
TODAY = dt.date(2026, 12, 21)
SMALL = ("--employees", "12", "--weeks", "2", "--seed", "7", "--today", TODAY.isoformat())
MODELS = (
    User,
    Employee,
    TimeOff,
    UnavailableDate,
    CompanyHoliday,
    Rotation,
    RotationException,
    Event,
    Schedule,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The admin's password is hashed on every fresh run; PBKDF2 would dominate the time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def employee_rows() -> list[tuple[Any, ...]]:
    return sorted(
        Employee.objects.values_list(
            "external_id",
            "rep_id",
            "name",
            "email",
            "phone",
            "job_title",
            "is_active",
            "termination_date",
            "available_mon",
            "available_tue",
            "available_wed",
            "available_thu",
            "available_fri",
            "available_sat",
            "available_sun",
        )
    )


def schedule_rows() -> list[tuple[Any, ...]]:
    return sorted(
        Schedule.objects.values_list(
            "event__project_ref_num",
            "employee__external_id",
            "start",
            "end",
            "created_by__username",
            "unscheduled_at",
        )
    )


def event_rows() -> list[tuple[Any, ...]]:
    return sorted(
        Event.objects.values_list(
            "project_ref_num",
            "project_name",
            "event_type",
            "store_number",
            "start_datetime",
            "due_datetime",
            "condition",
            "core_event__project_ref_num",
        )
    )


def availability_rows() -> list[tuple[Any, ...]]:
    return sorted(
        [
            *TimeOff.objects.values_list("employee__external_id", "start_date", "end_date"),
            *UnavailableDate.objects.values_list("employee__external_id", "date", "reason"),
            *Rotation.objects.values_list("weekday", "kind", "employee__external_id"),
            *RotationException.objects.values_list("date", "kind", "employee__external_id"),
        ],
        key=repr,
    )


def wipe() -> None:
    """Remove the demo club (the admin login stays) for another fresh run."""
    Schedule.objects.all().delete()
    Event.objects.all().delete()
    Employee.objects.all().delete()
    CompanyHoliday.objects.all().delete()


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


# --- what a run creates ----------------------------------------------------------------


def test_seed_demo_creates_every_kind_of_row() -> None:
    out = seed(*SMALL, "--password", "demo-pass-123")

    assert all(n > 0 for n in counts().values()), counts()
    assert Counter(Employee.objects.values_list("job_title", flat=True)) == {
        JobTitle.CLUB_SUPERVISOR: 1,
        JobTitle.LEAD_EVENT_SPECIALIST: 2,
        JobTitle.JUICER_BARISTA: 2,
        JobTitle.EVENT_SPECIALIST: 7,
    }
    people = list(Employee.objects.all())
    assert all(re.fullmatch(r"US1\d{5}", e.external_id) for e in people)
    for attribute in ("email", "phone", "rep_id", "name"):
        assert len({getattr(e, attribute) for e in people}) == len(people), attribute
    assert sum(not e.is_active for e in people) == 1
    assert sum(e.is_active and e.termination_date is not None for e in people) == 1
    days_a_week = Counter(len(e.available_weekdays) for e in people)
    assert set(days_a_week) <= {3, 4, 5, 6, 7}
    assert days_a_week.most_common(1)[0][0] == 5

    assert set(CompanyHoliday.objects.values_list("date", "month", "day")) == {
        (None, 12, 25),
        (None, 1, 1),
        (None, 7, 4),
        (dt.date(2027, 11, 25), None, None),  # the coming Thanksgiving
    }

    rotation = {
        (r.weekday, r.kind): r.employee for r in Rotation.objects.select_related("employee")
    }
    assert set(rotation) == {(w, k) for w in range(7) for k in RotationKind.values}
    for (weekday, kind), employee in rotation.items():
        expected = (
            JobTitle.JUICER_BARISTA
            if kind == RotationKind.JUICER
            else JobTitle.LEAD_EVENT_SPECIALIST
        )
        assert employee.job_title == expected
        assert weekday in employee.available_weekdays
    exceptions = list(RotationException.objects.select_related("employee"))
    assert 1 <= len(exceptions) <= 2
    for exception in exceptions:
        regular = rotation[(exception.date.weekday(), exception.kind)]
        assert exception.employee != regular
        assert exception.employee.job_title == regular.job_title
        assert exception.date.weekday() in exception.employee.available_weekdays
        assert UnavailableDate.objects.filter(employee=regular, date=exception.date).exists()

    events = list(Event.objects.select_related("core_event"))
    assert {e.event_type for e in events} == set(EventType.values)
    assert {e.store_number for e in events} == {"8135", "6508"}
    for e in events:
        assert e.event_type == detect_event_type(e.project_name), e.project_name
        assert e.event_number == event_number(e.project_name) != ""
        assert e.estimated_minutes == settings.SCHEDULING["DEFAULT_MINUTES"][e.event_type]
        start, due = local(e.start_datetime), local(e.due_datetime)
        assert start.time() == due.time() == dt.time(0, 0)
        assert 3 <= (due.date() - start.date()).days <= 7
        assert TODAY <= start.date() < TODAY + dt.timedelta(weeks=2)
        assert start.date() not in {dt.date(2026, 12, 25), dt.date(2027, 1, 1)}
    cores = [e for e in events if e.event_type == EventType.CORE]
    supervisors = [e for e in events if e.event_type == EventType.SUPERVISOR]
    assert len(cores) == len(supervisors)
    for sup in supervisors:
        assert sup.core_event is not None
        assert sup.core_event.event_type == EventType.CORE
        assert sup.core_event.event_number == sup.event_number
        assert sup.core_event.store_number == sup.store_number
        assert sup.project_name.replace("-Supervisor-", "-CORE-") == sup.core_event.project_name
    assert len({s.core_event_id for s in supervisors}) == len(cores)
    per_store_day = Counter((e.store_number, local(e.start_datetime).date()) for e in cores)
    assert all(4 <= n <= 8 for n in per_store_day.values()), per_store_day

    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password("demo-pass-123")
    assert "http://127.0.0.1:8000/admin/" in out and "'admin'" in out
    assert "demo-pass-123" not in out
    assert re.search(r"Events\s+(\d+) created\s+0 existing", out)


def test_default_run_has_the_documented_shape() -> None:
    out = seed("--today", TODAY.isoformat())

    assert Counter(Employee.objects.values_list("job_title", flat=True)) == {
        JobTitle.CLUB_SUPERVISOR: 2,
        JobTitle.LEAD_EVENT_SPECIALIST: 5,
        JobTitle.JUICER_BARISTA: 3,
        JobTitle.EVENT_SPECIALIST: 14,
    }
    last_start = max(local(s) for s in Event.objects.values_list("start_datetime", flat=True))
    assert last_start.date() == TODAY + dt.timedelta(weeks=4, days=-1)
    password = re.search(r"password: (\S+)", out)
    assert password is not None
    assert User.objects.get(username="admin").check_password(password.group(1))


# --- idempotence and determinism -------------------------------------------------------


def test_second_run_creates_nothing_and_changes_nothing() -> None:
    seed(*SMALL)
    before = (counts(), employee_rows(), event_rows(), schedule_rows(), availability_rows())
    password_hash = User.objects.get(username="admin").password

    out = seed(*SMALL)

    after = (counts(), employee_rows(), event_rows(), schedule_rows(), availability_rows())
    assert after == before
    assert User.objects.get(username="admin").password == password_hash
    created = re.findall(r"(\d+) created", out)
    assert created and set(created) == {"0"}
    assert "password: unchanged" in out


def test_if_empty_does_nothing_on_a_seeded_database() -> None:
    seed(*SMALL)
    before = (counts(), employee_rows(), event_rows(), schedule_rows(), availability_rows())

    out = seed("--if-empty", "--seed", "99", "--today", "2027-02-01", "--password", "x-1234567")

    assert "nothing seeded" in out
    assert (counts(), employee_rows(), event_rows(), schedule_rows(), availability_rows()) == before
    assert not User.objects.get(username="admin").check_password("x-1234567")


def test_if_empty_seeds_an_empty_database() -> None:
    seed("--if-empty", *SMALL)

    assert Employee.objects.count() == 12
    assert Schedule.objects.exists()


def test_same_seed_and_day_give_the_same_data() -> None:
    seed(*SMALL)
    first = (employee_rows(), event_rows(), schedule_rows(), availability_rows())
    wipe()

    seed(*SMALL)

    assert (employee_rows(), event_rows(), schedule_rows(), availability_rows()) == first
    assert len(first[2]) > 0


def test_another_seed_gives_other_people() -> None:
    seed(*SMALL)
    first = employee_rows()
    wipe()

    seed(*SMALL[:-4], "--seed", "8", "--today", TODAY.isoformat())

    assert {row[0] for row in employee_rows()}.isdisjoint({row[0] for row in first})


def test_a_run_on_a_later_day_adds_days_without_duplicating_or_breaking_rules() -> None:
    seed(*SMALL)
    first_events = {row[:6] for row in event_rows()}  # all but condition and pairing
    first_schedules = set(schedule_rows())

    seed(*SMALL[:-1], (TODAY + dt.timedelta(days=3)).isoformat())

    assert Employee.objects.count() == 12
    assert first_events <= {row[:6] for row in event_rows()}
    cores = Event.objects.filter(event_type=EventType.CORE).values_list(
        "store_number", "start_datetime"
    )
    per_store_day = Counter((store, local(start).date()) for store, start in cores)
    assert all(4 <= n <= 8 for n in per_store_day.values())  # shared days made only once
    assert max(day for _, day in per_store_day) == TODAY + dt.timedelta(days=16)
    assert first_schedules <= set(schedule_rows())
    assert hard_violations(load_rows()) == []


# --- the schedules break no hard rule --------------------------------------------------


@pytest.mark.parametrize(
    "today",
    [
        "2026-12-21",  # Christmas and New Year's Day inside the windows
        "2026-11-26",  # today is Thanksgiving, a fixed-date holiday
        "2027-03-10",  # the clocks go forward on 14 March
    ],
)
def test_seeded_schedules_break_no_hard_rule(
    today: str, django_assert_num_queries: Callable[..., Any]
) -> None:
    seed("--employees", "24", "--weeks", "3", "--today", today)

    # Live schedules, then the snapshot: Primary Lead rotation and its exceptions,
    # holidays, time off, unavailable dates, bookings.
    with django_assert_num_queries(7):
        rows = load_rows()

    assert hard_violations(rows) == []
    live = list(Schedule.objects.live().select_related("event", "employee", "created_by"))
    events = Event.objects.count()
    assert len(live) == len(rows.schedules) > 0
    assert len(live) <= 0.5 * events  # plenty is left for the product to schedule
    assert all(s.created_by is not None and s.created_by.username == "admin" for s in live)
    assert all(local(s.start).date() >= dt.date.fromisoformat(today) for s in live)
    scheduled_ids = {s.event_id for s in live}
    assert (
        set(Event.objects.filter(condition=EventCondition.SCHEDULED).values_list("pk", flat=True))
        == scheduled_ids
    )

    slots = {dt.time.fromisoformat(t) for t in settings.SCHEDULING["CORE_SLOTS"]}
    offset = dt.timedelta(minutes=settings.SCHEDULING["SUPERVISOR_OFFSET_MINUTES"])
    by_event = {s.event_id: s for s in live}
    for s in live:
        start = local(s.start).time()
        if s.event.event_type == EventType.CORE:
            assert start in slots
            assert s.employee.job_title != JobTitle.CLUB_SUPERVISOR  # no soft warnings
            supervisor = by_event[s.event.supervisor_event.pk]
            assert supervisor.start == s.start + offset
            assert supervisor.employee.job_title in {
                JobTitle.CLUB_SUPERVISOR,
                JobTitle.LEAD_EVENT_SPECIALIST,
            }
        elif s.event.event_type == EventType.SUPERVISOR:
            assert s.event.core_event_id in by_event  # only with its Core event
        else:
            default = settings.SCHEDULING["DEFAULT_START"][s.event.event_type]
            assert start == dt.time.fromisoformat(default)
    assert {s.event.event_type for s in live} >= {
        EventType.CORE,
        EventType.SUPERVISOR,
        EventType.JUICER_PRODUCTION,
    }


def test_seeding_runs_the_same_reads_whatever_the_size() -> None:
    def reads(*args: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            seed(*args)
        wipe()
        return sum(not q["sql"].lstrip().upper().startswith("INSERT") for q in queries)

    small = reads("--employees", "6", "--weeks", "1", "--today", TODAY.isoformat())
    large = reads("--employees", "30", "--weeks", "2", "--today", TODAY.isoformat())

    assert small == large


# --- the admin login -------------------------------------------------------------------


def test_a_new_admin_takes_the_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "from-the-env-42")

    out = seed(*SMALL)

    assert User.objects.get(username="admin").check_password("from-the-env-42")
    assert "from-the-env-42" not in out
    assert "DEMO_ADMIN_PASSWORD" in out


def test_an_existing_admin_keeps_its_password_unless_one_is_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed(*SMALL, "--password", "first-pass-123")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "env-pass-456")

    seed(*SMALL)
    assert User.objects.get(username="admin").check_password("first-pass-123")

    seed(*SMALL, "--password", "second-pass-789")
    assert User.objects.get(username="admin").check_password("second-pass-789")
    assert User.objects.filter(username="admin").count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--employees", "3"),
        ("--weeks", "0"),
        ("--today", "21/12/2026"),
        ("--password", ""),
    ],
)
def test_bad_options_are_refused_and_nothing_is_written(args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError):
        seed(*args)

    assert set(counts().values()) == {0}


# --- the checker itself catches each rule ----------------------------------------------
# Given one valid Core schedule (Tue 15 Dec 2026, 10:45), each case breaks one rule.


def _baseline() -> Any:
    employee = EmployeeFactory(job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    return ScheduleFactory(employee=employee, start=store_local(2026, 12, 15, 10, 45))


def _second(schedule: Any, event_type: str, hour: int, minute: int = 0) -> None:
    event = EventFactory(
        event_type=event_type, estimated_minutes=None, project_name=f"606999-{event_type}"
    )
    start = store_local(2026, 12, 15, hour, minute)
    ScheduleFactory(event=event, employee=schedule.employee, start=start)


def _employee(schedule: Any, **changes: Any) -> None:
    Employee.objects.filter(pk=schedule.employee_id).update(**changes)


def _barista_juicing(schedule: Any) -> None:
    _employee(schedule, job_title=JobTitle.JUICER_BARISTA)
    _second(schedule, EventType.JUICER_SURVEY, 17, 30)


def _specialist_on_freeosk(schedule: Any) -> None:
    _employee(schedule, job_title=JobTitle.EVENT_SPECIALIST)
    Event.objects.filter(pk=schedule.event_id).update(event_type=EventType.FREEOSK)


RULE_CASES: list[tuple[str, Callable[[Any], object]]] = [
    ("company_holiday", lambda s: CompanyHolidayFactory(name="Demo day", month=12, day=15)),
    (
        "company_holiday",
        lambda s: CompanyHolidayFactory(month=None, day=None, date=dt.date(2026, 12, 15)),
    ),
    (
        "outside_window",
        lambda s: Event.objects.filter(pk=s.event_id).update(
            due_datetime=store_local(2026, 12, 15, 10, 45)
        ),
    ),
    ("employee_inactive", lambda s: _employee(s, is_active=False)),
    ("employee_inactive", lambda s: _employee(s, termination_date=dt.date(2026, 12, 15))),
    ("time_off", lambda s: TimeOffFactory(employee=s.employee, start_date=dt.date(2026, 12, 13))),
    ("unavailable_date", lambda s: UnavailableDateFactory(employee=s.employee)),
    ("weekly_unavailable", lambda s: _employee(s, available_tue=False)),
    ("role_not_allowed", _specialist_on_freeosk),
    ("juicer_day", _barista_juicing),
    ("overlap", lambda s: _second(s, EventType.OTHER, 12, 0)),
    (
        "end_is_start_plus_duration",
        lambda s: Schedule.objects.filter(pk=s.pk).update(end=s.end + dt.timedelta(minutes=1)),
    ),
]


def test_the_database_itself_refuses_a_second_core_event_a_day() -> None:
    schedule = _baseline()

    with pytest.raises(IntegrityError), transaction.atomic():
        _second(schedule, EventType.CORE, 17, 15)


def test_the_checker_passes_a_valid_schedule() -> None:
    _baseline()

    assert hard_violations(load_rows()) == []


@pytest.mark.parametrize(("code", "break_rule"), RULE_CASES)
def test_the_checker_finds_each_broken_rule(code: str, break_rule: Callable[[Any], object]) -> None:
    schedule = _baseline()

    if code == "overlap" and connection.vendor == "postgresql":
        # PostgreSQL's exclusion constraint refuses the overlapping row outright.
        with pytest.raises(IntegrityError), transaction.atomic():
            break_rule(schedule)
        return
    break_rule(schedule)

    violations = hard_violations(load_rows())
    assert {v.code for v in violations} == {code}, violations
    assert all(isinstance(v, Violation) for v in violations)
