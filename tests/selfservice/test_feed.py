"""The calendar feed: parsed back with icalendar; DST; reassignment; revoked; off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from employees.models import Employee
from scheduler.models import Schedule
from selfservice.models import CalendarFeed
from selfservice.services import calendar_feed_renew, calendar_feed_revoke
from tests.events.factories import EventFactory
from tests.scheduler.factories import ScheduleFactory
from tests.selfservice.conftest import local_at, schedule_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("feeds_on")]


def fetch(token: str, **headers: str) -> tuple[int, icalendar.Calendar | None, object]:
    response = Client().get(f"/calendar/{token}.ics", headers=headers)
    if response.status_code != 200:
        return response.status_code, None, response
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return 200, icalendar.Calendar.from_ical(response.content), response


def vevents(cal: icalendar.Calendar) -> list[Any]:
    return list(cal.walk("VEVENT"))


def test_feed_parses_back_with_one_event_per_live_schedule(
    employee: Employee, other: Employee, today: dt.date
) -> None:
    day = today + dt.timedelta(days=3)
    mine = schedule_on(
        employee, day, project_name="606500-CORE-Pretzel", sales_tool_url="https://t.example/1"
    )
    gone = schedule_on(employee, day + dt.timedelta(days=1))
    Schedule.objects.filter(pk=gone.pk).update(unscheduled_at=timezone.now())
    schedule_on(employee, today - dt.timedelta(days=31))  # too old
    schedule_on(employee, today + dt.timedelta(days=91))  # too far
    schedule_on(other, day)
    token = calendar_feed_renew(employee_id=employee.pk)

    status, cal, _ = fetch(token)

    assert status == 200 and cal is not None
    assert str(cal["X-WR-CALNAME"]) == "Emma Employee · Event Scheduler"
    events = vevents(cal)
    assert [str(e["UID"]) for e in events] == [f"schedule-{mine.pk}@event-scheduler"]
    event = events[0]
    assert str(event["SUMMARY"]) == "Core: 606500-CORE-Pretzel"
    assert event.decoded("DTSTART") == mine.start.astimezone(dt.UTC)
    assert (
        event.to_ical().count(mine.start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ").encode())
        == 1
    )
    assert event.decoded("DTEND") == mine.end.astimezone(dt.UTC)
    assert str(event["LOCATION"]) == "Store 8135 Club 8135 Indianapolis"
    assert str(event["URL"]) == "https://t.example/1"
    assert int(str(event["SEQUENCE"])) == 0
    assert event.decoded("LAST-MODIFIED") == mine.updated_at.astimezone(dt.UTC).replace(
        microsecond=0
    )


def test_dst_day_times_are_right_in_utc(employee: Employee) -> None:
    # 8 March 2026 (US DST starts at 02:00): 10:45 in Indianapolis is 14:45 UTC, a day
    # earlier it was 15:45 UTC.
    now = timezone.make_aware(dt.datetime(2026, 3, 1, 12, 0))  # noqa: DTZ001
    before = schedule_on(employee, dt.date(2026, 3, 7))
    after = schedule_on(employee, dt.date(2026, 3, 8))
    token = calendar_feed_renew(employee_id=employee.pk)
    from selfservice.feeds import build_calendar
    from selfservice.selectors import feed_for_token, feed_schedules

    feed = feed_for_token(token)
    assert feed is not None
    cal = icalendar.Calendar.from_ical(
        build_calendar(name="x", schedules=feed_schedules(feed=feed, now=now), team=False)
    )
    starts = {str(e["UID"]): e.decoded("DTSTART") for e in vevents(cal)}
    assert starts[f"schedule-{before.pk}@event-scheduler"] == dt.datetime(
        2026, 3, 7, 15, 45, tzinfo=dt.UTC
    )
    assert starts[f"schedule-{after.pk}@event-scheduler"] == dt.datetime(
        2026, 3, 8, 14, 45, tzinfo=dt.UTC
    )
    assert b"DTSTART:20260308T144500Z" in build_calendar(
        name="x", schedules=feed_schedules(feed=feed, now=now), team=False
    )


def test_reassignment_moves_the_event_and_raises_its_sequence(
    employee: Employee, other: Employee, today: dt.date
) -> None:
    schedule = schedule_on(employee, today + dt.timedelta(days=2))
    mine = calendar_feed_renew(employee_id=employee.pk)
    theirs = calendar_feed_renew(employee_id=other.pk)
    uid = f"schedule-{schedule.pk}@event-scheduler"
    _, before, _ = fetch(mine)
    assert before is not None and [str(e["UID"]) for e in vevents(before)] == [uid]

    Schedule.objects.filter(pk=schedule.pk).update(
        employee=other, updated_at=schedule.created_at + dt.timedelta(seconds=90)
    )

    _, mine_after, _ = fetch(mine)
    _, theirs_after, _ = fetch(theirs)
    assert mine_after is not None and vevents(mine_after) == []
    assert theirs_after is not None
    [moved] = vevents(theirs_after)
    assert str(moved["UID"]) == uid
    assert int(str(moved["SEQUENCE"])) == 90


def test_a_renamed_event_changes_the_document(employee: Employee, today: dt.date) -> None:
    schedule = schedule_on(employee, today + dt.timedelta(days=1), project_name="606800-CORE-A")
    token = calendar_feed_renew(employee_id=employee.pk)
    _, _, first = fetch(token)
    event = schedule.event
    event.project_name = "606800-CORE-Renamed"
    event.save()

    _, after, second = fetch(token)

    assert second["ETag"] != first["ETag"]  # type: ignore[index]
    assert after is not None
    assert [str(e["SUMMARY"]) for e in vevents(after)] == ["Core: 606800-CORE-Renamed"]


def test_etag_and_304(employee: Employee, today: dt.date) -> None:
    schedule_on(employee, today + dt.timedelta(days=1))
    token = calendar_feed_renew(employee_id=employee.pk)
    _, _, first = fetch(token)
    etag = first["ETag"]  # type: ignore[index]

    status, _, again = fetch(token, **{"If-None-Match": etag})

    assert status == 304
    assert again["ETag"] == etag  # type: ignore[index]
    schedule_on(employee, today + dt.timedelta(days=2))
    status, cal, changed = fetch(token, **{"If-None-Match": etag})
    assert status == 200 and cal is not None and len(vevents(cal)) == 2
    assert changed["ETag"] != etag  # type: ignore[index]


def test_new_link_ends_the_old_and_revoke_ends_it(employee: Employee) -> None:
    old = calendar_feed_renew(employee_id=employee.pk)
    new = calendar_feed_renew(employee_id=employee.pk)

    assert old != new
    assert fetch(old)[0] == 404
    assert fetch(new)[0] == 200
    assert CalendarFeed.objects.filter(employee=employee).count() == 1
    assert new not in CalendarFeed.objects.get(employee=employee).token_hash

    assert calendar_feed_revoke(employee_id=employee.pk) is True
    assert fetch(new)[0] == 404


def test_unknown_token_is_a_plain_404() -> None:
    status, _, response = fetch("not-a-token")
    assert status == 404
    assert "problem" not in response["Content-Type"]  # type: ignore[index]


def test_feature_off_is_404_even_for_a_real_token(
    employee: Employee, settings: pytest.FixtureRequest
) -> None:
    token = calendar_feed_renew(employee_id=employee.pk)
    settings.CALENDAR_FEEDS_ENABLED = False  # type: ignore[attr-defined]
    assert fetch(token)[0] == 404


def test_secret_change_ends_every_link(employee: Employee, settings: pytest.FixtureRequest) -> None:
    token = calendar_feed_renew(employee_id=employee.pk)
    settings.CALENDAR_FEEDS_SECRET = "another-secret-0123456789"  # type: ignore[attr-defined]
    assert fetch(token)[0] == 404


def test_team_feed_has_everyone_with_names(
    manager_user: object, employee: Employee, other: Employee, today: dt.date
) -> None:
    schedule_on(employee, today + dt.timedelta(days=1), project_name="606600-CORE-A")
    schedule_on(other, today + dt.timedelta(days=1), project_name="606601-CORE-B")
    token = calendar_feed_renew(user_id=manager_user.pk)  # type: ignore[attr-defined]
    _, cal, _ = fetch(token)
    assert cal is not None
    assert sorted(str(e["SUMMARY"]) for e in vevents(cal)) == [
        "Emma Employee · Core: 606600-CORE-A",
        "Otto Other · Core: 606601-CORE-B",
    ]


def test_feed_queries_constant(
    employee: Employee, today: dt.date, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    token = calendar_feed_renew(employee_id=employee.pk)
    schedule_on(employee, today)
    # The feed, its fingerprint, and its schedules to build the document ...
    with django_assert_num_queries(3):  # type: ignore[operator]
        assert fetch(token)[0] == 200
    # ... which, unchanged, comes from the cache next time.
    with django_assert_num_queries(2):  # type: ignore[operator]
        assert fetch(token)[0] == 200
    for i in range(1, 8):
        event = EventFactory.create(
            start_datetime=local_at(today + dt.timedelta(days=i), 0, 0),
            due_datetime=local_at(today + dt.timedelta(days=i + 1), 0, 0),
        )
        ScheduleFactory.create(
            event=event, employee=employee, start=local_at(event.start_datetime.date())
        )
    with django_assert_num_queries(3):  # type: ignore[operator]
        _, cal, _ = fetch(token)
    assert cal is not None and len(vevents(cal)) == 8


def test_calendar_page_shows_link_and_makes_a_new_one(
    employee_client: Client, employee: Employee
) -> None:
    html = employee_client.get("/me/calendar/").content.decode()
    assert "You have no calendar link yet." in html

    response = employee_client.post("/me/calendar/", {"feed": "mine"})
    assert response.status_code == 302
    html = employee_client.get("/me/calendar/").content.decode()
    feed = CalendarFeed.objects.get(employee=employee)
    from selfservice.feeds import token_for

    token = token_for(feed.nonce)
    assert f'value="webcal://testserver/calendar/{token}.ics"' in html
    assert employee_client.post("/me/calendar/", {"feed": "team"}).status_code == 400


def test_calendar_page_when_off_says_so(
    employee_client: Client, settings: pytest.FixtureRequest
) -> None:
    settings.CALENDAR_FEEDS_ENABLED = False  # type: ignore[attr-defined]
    response = employee_client.get("/me/calendar/")
    assert response.status_code == 400
    assert "Calendar feeds is disabled" in response.content.decode()


def test_a_rebuild_after_one_change_writes_one_entry_anew(
    employee: Employee, today: dt.date
) -> None:
    from selfservice.feeds import build_calendar, entry_ical

    schedules = [schedule_on(employee, today + dt.timedelta(days=d)) for d in range(1, 6)]
    entry_ical.cache_clear()
    first = build_calendar(name="N", schedules=schedules, team=False)
    assert entry_ical.cache_info().misses == 5

    moved = schedules[2]
    moved.start += dt.timedelta(hours=1)
    moved.end += dt.timedelta(hours=1)
    again = build_calendar(name="N", schedules=schedules, team=False)

    assert entry_ical.cache_info().misses == 6  # the moved one only
    entry_ical.cache_clear()
    assert build_calendar(name="N", schedules=schedules, team=False) == again != first
    assert len(vevents(icalendar.Calendar.from_ical(again))) == 5
