"""Unreported events: worked more than a day ago, still not Submitted (or Canceled)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from attendance.selectors import unreported_rows, unreported_schedules
from events.models import EventCondition
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seven_am")]

TODAY = dt.date(2026, 12, 15)


def worked_on(day: dt.date, condition: str = EventCondition.SCHEDULED, **kw: Any) -> Schedule:
    event = EventFactory.create(
        condition=condition,
        store_number=kw.pop("store", "8135"),
        start_datetime=store_local(2026, 11, 1),
        due_datetime=store_local(2026, 12, 31),
        last_synced_at=store_local(2026, 12, 15, 6, 0),
    )
    return ScheduleFactory.create(
        event=event, start=store_local(day.year, day.month, day.day, 10, 45), **kw
    )


def test_what_is_unreported() -> None:
    old = worked_on(dt.date(2026, 12, 10))
    two_days = worked_on(dt.date(2026, 12, 13), EventCondition.STAFFED)
    worked_on(dt.date(2026, 12, 14))  # yesterday: a day's grace
    worked_on(dt.date(2026, 12, 15))  # today
    worked_on(dt.date(2026, 12, 9), EventCondition.SUBMITTED)
    worked_on(dt.date(2026, 12, 9), EventCondition.CANCELED)
    gone = worked_on(dt.date(2026, 12, 9))
    Schedule.objects.filter(pk=gone.pk).update(unscheduled_at=store_local(2026, 12, 9, 8, 0))
    # A schedule at 23:30 store time on the 13th is the 13th's (04:30 UTC on the 14th).
    late = ScheduleFactory.create(
        event=EventFactory.create(
            start_datetime=store_local(2026, 12, 1), due_datetime=store_local(2026, 12, 31)
        ),
        start=store_local(2026, 12, 13, 23, 30),
    )

    rows = unreported_rows(unreported_schedules(today=TODAY), today=TODAY)

    assert [(r.schedule.pk, r.days_overdue) for r in rows] == [
        (old.pk, 4),
        (two_days.pk, 1),
        (late.pk, 1),
    ]


def test_filters() -> None:
    ana = EmployeeFactory.create()
    a = worked_on(dt.date(2026, 12, 10), employee=ana, store="1")
    b = worked_on(dt.date(2026, 12, 11), store="1")
    c = worked_on(dt.date(2026, 12, 12), store="2")

    def ids(**filters: Any) -> list[int]:
        return [s.pk for s in unreported_schedules(today=TODAY, **filters)]

    assert ids(store="1") == [a.pk, b.pk]
    assert ids(employee_id=ana.pk) == [a.pk]
    assert ids(date_from=dt.date(2026, 12, 11)) == [b.pk, c.pk]
    assert ids(date_to=dt.date(2026, 12, 10)) == [a.pk]


def test_the_page_the_csv_and_the_dashboard_count(client: Client, reader_user: User) -> None:
    ana = EmployeeFactory.create(name="Ana Rep", external_id="US7")
    s = worked_on(dt.date(2026, 12, 10), employee=ana)
    worked_on(dt.date(2026, 12, 12), store="9999")
    client.force_login(reader_user)

    page = client.get("/events/unreported/?store=8135")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'Unreported events <span class="count">1</span>' in html
    assert s.event.project_name in html and "Ana Rep" in html
    assert "synced 15 Dec 06:00" in html
    csv_response = client.get("/events/unreported.csv?store=8135")
    body = b"".join(csv_response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0][:4] == ["Worked on", "Days overdue", "Store", "Store name"]
    assert rows[1][:3] == ["2026-12-10", "4", "8135"]
    assert rows[1][7:9] == ["US7", "Ana Rep"]
    dashboard = client.get("/").content.decode()
    assert (
        '<a href="/events/unreported/"><span class="stat-value">2</span>\n'
        '      <span class="stat-label">worked events not reported</span></a>'
    ) in dashboard


@pytest.mark.parametrize(
    "query", ["employee=abc", "date_from=2026-13-01", "employee=99999999999999"]
)
def test_bad_filters_are_a_400(client: Client, reader_user: User, query: str) -> None:
    client.force_login(reader_user)
    assert client.get(f"/events/unreported/?{query}").status_code == 400
    assert client.get(f"/events/unreported.csv?{query}").status_code == 400


def test_the_page_runs_constant_queries(client: Client, reader_user: User) -> None:
    client.force_login(reader_user)

    def grow() -> None:
        for day in range(1, 12):
            worked_on(dt.date(2026, 12, day))

    worked_on(dt.date(2026, 12, 1))
    # session + user, permission, the employees for the filter, the rows, their reissues,
    # the manager check
    assert_constant_queries(lambda: client.get("/events/unreported/"), grow, expected=7)
