"""Attendance: the record per schedule (from its day on), the day page's controls, the
month page, the employee's last 90 days, the CSV export and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from attendance.models import AttendanceRecord, AttendanceStatus
from attendance.services import attendance_set
from core.exceptions import InvalidInputError
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seven_am")]


def worked(day: dt.date, hour: int = 10, minute: int = 45, **kw: Any) -> Schedule:
    return ScheduleFactory.create(
        event=EventFactory.create(
            start_datetime=store_local(2026, 9, 1), due_datetime=store_local(2027, 1, 31)
        ),
        start=store_local(day.year, day.month, day.day, hour, minute),
        **kw,
    )


TODAY = dt.date(2026, 12, 15)


# --- the service ----------------------------------------------------------------------------


def test_record_then_correct(manager_user: User) -> None:
    schedule = worked(TODAY)

    record = attendance_set(schedule=schedule, status="late", minutes_late=12, by=manager_user)

    assert (record.employee, record.work_date, record.status, record.minutes_late) == (
        schedule.employee,
        TODAY,
        "late",
        12,
    )
    assert record.recorded_by == manager_user
    record = attendance_set(schedule=schedule, status="on_time", minutes_late=5, note=" ok ")
    assert AttendanceRecord.objects.count() == 1
    assert (record.status, record.minutes_late, record.note) == ("on_time", None, "ok")


@pytest.mark.parametrize(
    ("day", "status", "minutes", "code"),
    [
        (TODAY + dt.timedelta(days=1), "on_time", None, "too_early"),
        (TODAY, "late", None, "minutes_required"),
        (TODAY, "asleep", None, "invalid_status"),
    ],
)
def test_refused_records_change_nothing(day, status, minutes, code) -> None:
    schedule = worked(day)
    with pytest.raises(InvalidInputError) as refused:
        attendance_set(schedule=schedule, status=status, minutes_late=minutes)
    assert refused.value.code == code
    assert AttendanceRecord.objects.count() == 0


def test_the_record_keeps_who_it_was_about_when_the_schedule_is_reassigned() -> None:
    schedule = worked(TODAY - dt.timedelta(days=1))
    who = schedule.employee
    attendance_set(schedule=schedule, status="no_call_no_show")
    Schedule.objects.filter(pk=schedule.pk).update(employee=EmployeeFactory.create())
    assert AttendanceRecord.objects.get().employee == who


# --- the day page ---------------------------------------------------------------------------


def test_one_click_on_the_day_page_marks_attendance(manager: Client) -> None:
    schedule = worked(TODAY)
    page = manager.get("/day/2026-12-15/").content.decode()
    assert f'action="/attendance/schedules/{schedule.pk}/"' in page
    assert 'name="status" value="on_time"' in page

    response = manager.post(
        f"/attendance/schedules/{schedule.pk}/",
        {"status": "on_time", "next": "/day/2026-12-15/"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/day/2026-12-15/#s{schedule.pk}"
    assert AttendanceRecord.objects.get().status == AttendanceStatus.ON_TIME
    page = manager.get("/day/2026-12-15/").content.decode()
    assert "<strong>On time</strong>" in page
    assert 'aria-pressed="true"' in page


def test_no_attendance_controls_before_the_day(manager: Client) -> None:
    worked(TODAY + dt.timedelta(days=1))
    page = manager.get("/day/2026-12-16/").content.decode()
    assert "/attendance/schedules/" not in page
    assert "Mark out" in page


def test_late_without_minutes_is_refused_with_a_message(manager: Client) -> None:
    schedule = worked(TODAY)
    response = manager.post(
        f"/attendance/schedules/{schedule.pk}/", {"status": "late"}, follow=True
    )
    assert "Attendance not recorded: Say how many minutes late." in response.content.decode()
    assert AttendanceRecord.objects.count() == 0


def test_marking_before_the_day_is_refused_with_a_message(manager: Client) -> None:
    schedule = worked(TODAY + dt.timedelta(days=2))
    response = manager.post(
        f"/attendance/schedules/{schedule.pk}/", {"status": "on_time"}, follow=True
    )
    assert (
        "Attendance not recorded: Attendance can be recorded from Thu 17 Dec on, not before."
        in response.content.decode()
    )


def test_readers_cannot_mark(reader: Client) -> None:
    schedule = worked(TODAY)
    assert (
        reader.post(f"/attendance/schedules/{schedule.pk}/", {"status": "on_time"}).status_code
        == 403
    )
    assert "/attendance/schedules/" not in reader.get("/day/2026-12-15/").content.decode()


def test_the_day_page_reads_attendance_in_one_query_whatever_the_rows(manager: Client) -> None:
    def grow() -> None:
        for minute in range(0, 50, 5):
            s = worked(TODAY, 9, minute)
            attendance_set(schedule=s, status="on_time")

    worked(TODAY)
    before = len(manager.get("/day/2026-12-15/").content)
    assert_constant_queries(lambda: manager.get("/day/2026-12-15/"), grow, expected=15)
    assert before > 0


# --- month, employee, export -------------------------------------------------------------


def test_the_month_page_counts_per_day_and_status(client: Client, reader_user: User) -> None:
    for status in ("on_time", "on_time", "excused"):
        attendance_set(schedule=worked(dt.date(2026, 12, 3)), status=status)
    attendance_set(schedule=worked(dt.date(2026, 12, 4)), status="late", minutes_late=3)
    worked(dt.date(2026, 12, 4), 12)
    client.force_login(reader_user)

    html = client.get("/attendance/?month=2026-12").content.decode()

    assert "Attendance · December 2026" in html
    assert (
        '<th scope="row"><a href="/day/2026-12-03/">Thu 3</a></th><td>3</td>'
        "<td>2</td><td></td><td></td><td></td><td>1</td>"
    ) in html.replace("\n", "")
    assert (
        '<th scope="row"><a href="/day/2026-12-04/">Fri 4</a></th><td>2</td>'
        "<td></td><td>1</td><td></td><td></td><td></td>"
    ) in html.replace("\n", "")
    assert client.get("/attendance/?month=2026-13").status_code == 200  # falls back, says so


def test_the_month_page_runs_constant_queries(client: Client, reader_user: User) -> None:
    client.force_login(reader_user)

    def grow() -> None:
        for day in range(1, 15):
            attendance_set(schedule=worked(dt.date(2026, 12, day)), status="on_time")

    assert_constant_queries(lambda: client.get("/attendance/?month=2026-12"), grow, expected=6)


def test_the_employee_page_shows_the_last_90_days(manager: Client) -> None:
    ana = EmployeeFactory.create()
    for days_ago, status in ((1, "on_time"), (2, "on_time"), (3, "late"), (4, "no_call_no_show")):
        attendance_set(
            schedule=worked(TODAY - dt.timedelta(days=days_ago), employee=ana),
            status=status,
            minutes_late=10 if status == "late" else None,
        )
    attendance_set(
        schedule=worked(TODAY - dt.timedelta(days=95), employee=ana), status="late", minutes_late=1
    )

    html = manager.get(f"/employees/{ana.pk}/").content.decode()

    assert '<span class="stat-value">50%</span> <span class="stat-label">on time</span>' in html
    assert '<span class="stat-label">late (1)</span>' in html
    assert '<span class="stat-label">no call / no show (1)</span>' in html
    assert "4 records from 17 Sep to 15 Dec 2026." in html


def test_csv_export_of_a_date_range(client: Client, reader_user: User) -> None:
    ana = EmployeeFactory.create(name="=Ana", external_id="US1")
    attendance_set(
        schedule=worked(dt.date(2026, 12, 3), employee=ana), status="late", minutes_late=7
    )
    attendance_set(schedule=worked(dt.date(2026, 11, 30)), status="on_time")
    client.force_login(reader_user)

    response = client.get("/attendance/export.csv?date_from=2026-12-01&date_to=2026-12-31")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-2026-12-01-to-2026-12-31.csv"'
    )
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0][:7] == ["Date", "Employee ID", "Employee", "Event", "Store", "Start", "Status"]
    assert len(rows) == 2
    assert rows[1][:8] == ["2026-12-03", "US1", "'=Ana", rows[1][3], "8135", "10:45", "Late", "7"]
    bad = client.get("/attendance/export.csv?date_from=2026-12-31&date_to=2026-12-01")
    assert bad.status_code == 400


# --- the API -----------------------------------------------------------------------------


def test_api_put_and_list(api_as, manager_user: User, reader_user: User) -> None:
    schedule = worked(TODAY)
    client = api_as(manager_user)

    response = client.put(
        f"/api/v1/schedules/{schedule.pk}/attendance/", {"status": "late", "minutes_late": 9}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["schedule"], body["status"], body["minutes_late"], body["recorded_by"]) == (
        schedule.pk,
        "late",
        9,
        "manager",
    )
    listed = api_as(reader_user).get(
        f"/api/v1/attendance/?date_from=2026-12-15&date_to=2026-12-15&employee={schedule.employee_id}"
    )
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [body["id"]]
    assert (
        api_as(reader_user).get("/api/v1/attendance/?date_from=2026-12-16").json()["results"] == []
    )


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        ({"status": "late"}, "minutes_late", "minutes_required"),
        ({"status": "on_time", "minutes_late": 4}, "minutes_late", "minutes_only_when_late"),
        ({"status": "late", "minutes_late": 0}, "minutes_late", "min_value"),
        ({"status": "late", "minutes_late": 10**12}, "minutes_late", "max_value"),
        ({"status": "gone"}, "status", "invalid_choice"),
    ],
)
def test_api_bad_attendance_is_a_400(api_as, manager_user: User, body, attr, code) -> None:
    schedule = worked(TODAY)
    response = api_as(manager_user).put(f"/api/v1/schedules/{schedule.pk}/attendance/", body)
    assert response.status_code == 400
    assert (attr, code) in {(e["attr"], e["code"]) for e in response.json()["errors"]}
    assert AttendanceRecord.objects.count() == 0


def test_api_attendance_refusals(api_as, manager_user: User, reader_user: User) -> None:
    future = worked(TODAY + dt.timedelta(days=1))
    too_early = api_as(manager_user).put(
        f"/api/v1/schedules/{future.pk}/attendance/", {"status": "on_time"}
    )
    assert (too_early.status_code, too_early.json()["code"]) == (400, "too_early")
    missing = api_as(manager_user).put("/api/v1/schedules/99999/attendance/", {"status": "on_time"})
    assert missing.status_code == 404
    forbidden = api_as(reader_user).put(
        f"/api/v1/schedules/{future.pk}/attendance/", {"status": "on_time"}
    )
    assert forbidden.status_code == 403
    bad = api_as(reader_user).get("/api/v1/attendance/?date_from=2026-12-16&date_to=2026-12-01")
    assert (bad.status_code, bad.json()["errors"][0]["attr"]) == (400, "date_to")


def test_api_list_runs_constant_queries(api_as, reader_user: User) -> None:
    client = api_as(reader_user)

    def grow() -> None:
        for day in range(1, 12):
            attendance_set(schedule=worked(dt.date(2026, 12, day)), status="on_time")

    attendance_set(schedule=worked(TODAY), status="on_time")
    assert_constant_queries(lambda: client.get("/api/v1/attendance/"), grow, expected=4)
