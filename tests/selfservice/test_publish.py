"""Publishing a week: what changed since the last publication, per employee, a preview of
each digest, one digest per changed employee written with the publication; nothing
twice; managers only; the week view links to it only while this app is installed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from core import panels as panel_registry
from employees.models import Employee
from scheduler.models import Schedule
from scheduler.services import schedule_reschedule, schedule_unschedule
from selfservice.models import EmployeePreferences, Notice, NoticeKind, WeekPublication
from selfservice.selectors import week_preview
from selfservice.services import NothingToPublishError, calendar_feed_renew, week_publish
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 12, 14)
PAGE = "/week/2026-12-14/publish/"
API = "/api/v1/weeks/2026-12-16/publication/"  # any day of the week names it


@pytest.fixture(autouse=True)
def thursday_before() -> Iterator[None]:
    """Thursday 10 December: next week is the one to publish."""
    with time_machine.travel(store_local(2026, 12, 10, 9, 0), tick=False):
        yield


def on(employee: Employee, day: int, hour: int = 10, name: str = "") -> Schedule:
    event = EventFactory.create(**({"project_name": name} if name else {}))
    return ScheduleFactory.create(
        event=event, employee=employee, start=store_local(2026, 12, day, hour, 0)
    )


@pytest.fixture
def ann() -> Employee:
    return EmployeeFactory.create(name="Ann Able", email="ann@example.com")


@pytest.fixture
def week(employee: Employee, other: Employee) -> dict[str, Schedule]:
    """Emma twice and Otto once next week; Emma once the week after (not this one)."""
    return {
        "emma_tue": on(employee, 15, name="606001-CORE-Super Pretzel"),
        "emma_thu": on(employee, 17, name="606002-CORE-Crunchy Crackers"),
        "otto_wed": on(other, 16, name="606003-CORE-Sparkling Water"),
        "emma_later": on(employee, 22, name="606004-CORE-Next Week"),
    }


def publish_page(client: Client) -> tuple[str, str]:
    html = client.get(PAGE).content.decode()
    basis = re.search(r'name="basis" value="([^"]+)"', html)
    assert basis is not None, html
    return html, basis.group(1)


def test_the_first_publication_emails_each_employee_their_week(
    manager_client: Client,
    manager_user: User,
    employee: Employee,
    other: Employee,
    week: dict[str, Schedule],
    feeds_on: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    calendar_feed_renew(employee_id=employee.pk)
    html, basis = publish_page(manager_client)
    assert "never published" in html
    assert "<strong>2 employees</strong>" in html and "(3 added, 0 moved, 0 taken off)" in html
    assert "Publish and email 2 employees" in html
    assert "Tue 15 Dec 10:00\N{EN DASH}16:30 · Core: 606001-CORE-Super Pretzel" in html
    assert "(their own link, not shown here)" in html  # the manager never sees Emma's link
    assert ".ics" not in html
    assert "606004-CORE-Next Week" not in html

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(PAGE, {"basis": basis})

    assert response.status_code == 302 and response["Location"] == "/week/2026-12-14/"
    publication = WeekPublication.objects.get()
    assert (publication.week_start, publication.number, publication.published_by) == (
        MONDAY,
        1,
        manager_user,
    )
    assert (publication.employees_changed, publication.added, publication.digests) == (2, 3, 2)
    assert sorted(e["event"] for e in publication.snapshot) == sorted(
        s.event_id for k, s in week.items() if k != "emma_later"
    )
    digests = {n.recipient: n for n in Notice.objects.filter(kind=NoticeKind.WEEK)}
    assert set(digests) == {"emma@example.com", "otto@example.com"}
    emma = digests["emma@example.com"]
    assert emma.subject == "Your schedule for the week of Mon 14 Dec"
    assert "Tue 15 Dec 10:00\N{EN DASH}16:30 · Core: 606001-CORE-Super Pretzel" in emma.body
    assert "Thu 17 Dec 10:00\N{EN DASH}16:30 · Core: 606002-CORE-Crunchy Crackers" in emma.body
    assert "Sparkling Water" not in emma.body and "Next Week" not in emma.body
    assert re.search(r"webcal://\S+/calendar/\S+\.ics", emma.body)  # her own link
    otto = digests["otto@example.com"].body
    assert "Subscribe to your schedule in your phone's calendar: http" in otto  # no link yet
    assert "Super Pretzel" not in otto
    assert sorted(m.to[0] for m in mail.outbox) == ["emma@example.com", "otto@example.com"]
    page = manager_client.get("/week/2026-12-14/").content.decode()
    assert "2 employees will get their week by email." in page


def test_publishing_again_without_a_change_sends_nothing(
    manager_client: Client, manager_user: User, week: dict[str, Schedule]
) -> None:
    week_publish(day=MONDAY, by=manager_user)
    html = manager_client.get(PAGE).content.decode()
    assert "Nothing changed since the week was last published" in html
    assert 'name="basis"' not in html

    response = manager_client.post(PAGE, {"basis": week_preview(MONDAY).basis})

    assert response.status_code == 409
    assert "Nothing changed since the week was last published; nothing was sent." in (
        response.content.decode()
    )
    assert WeekPublication.objects.count() == 1
    assert Notice.objects.count() == 2
    with pytest.raises(NothingToPublishError):
        week_publish(day=MONDAY + dt.timedelta(days=6), by=manager_user)  # its Sunday
    assert Notice.objects.count() == 2


def test_an_empty_week_has_nothing_to_publish(manager_client: Client) -> None:
    html = manager_client.get(PAGE).content.decode()
    assert "Nothing is scheduled this week yet" in html and 'name="basis"' not in html
    response = manager_client.post(PAGE, {"basis": "0-x"})
    assert response.status_code == 409
    assert WeekPublication.objects.count() == 0


def test_the_next_publication_tells_only_who_changed_and_what(
    manager_client: Client,
    manager_user: User,
    employee: Employee,
    other: Employee,
    ann: Employee,
    week: dict[str, Schedule],
) -> None:
    week_publish(day=MONDAY, by=manager_user)
    Notice.objects.all().delete()
    schedule_reschedule(schedule=week["emma_tue"], start=store_local(2026, 12, 15, 12, 0))
    schedule_reschedule(schedule=week["otto_wed"], employee=ann)
    on(ann, 18, name="606005-CORE-Fresh Juice")
    schedule_unschedule(schedule=week["emma_later"])  # another week: not this one's news

    html, basis = publish_page(manager_client)
    assert "<strong>3 employees</strong>" in html and "(2 added, 1 moved, 1 taken off)" in html
    response = manager_client.post(PAGE, {"basis": basis})

    assert response.status_code == 302
    publication = WeekPublication.objects.get(number=2)
    assert (publication.added, publication.moved, publication.removed) == (2, 1, 1)
    bodies = {n.recipient: n.body for n in Notice.objects.filter(kind=NoticeKind.WEEK)}
    assert set(bodies) == {"emma@example.com", "otto@example.com", "ann@example.com"}
    assert (
        "Moved: Tue 15 Dec 12:00\N{EN DASH}18:30 · Core: 606001-CORE-Super Pretzel"
        in (bodies["emma@example.com"])
    )
    assert "(was Tue 15 Dec 10:00\N{EN DASH}16:30)" in bodies["emma@example.com"]
    assert (
        "Taken off: Wed 16 Dec 10:00\N{EN DASH}16:30 · Core: 606003-CORE-Sparkling Water"
        in (bodies["otto@example.com"])
    )
    assert "Nothing is scheduled for you this week." in bodies["otto@example.com"]
    assert "Added: Wed 16 Dec" in bodies["ann@example.com"]
    assert "Added: Fri 18 Dec" in bodies["ann@example.com"]


def test_a_page_older_than_the_week_is_refused(
    manager_client: Client, employee: Employee, week: dict[str, Schedule]
) -> None:
    _, basis = publish_page(manager_client)
    schedule_unschedule(schedule=week["emma_thu"])

    response = manager_client.post(PAGE, {"basis": basis})

    assert response.status_code == 409
    assert "The week changed since you reviewed it" in response.content.decode()
    assert (WeekPublication.objects.count(), Notice.objects.count()) == (0, 0)
    assert manager_client.post(PAGE, {}).status_code == 400  # no basis: review first
    assert WeekPublication.objects.count() == 0


def test_inactive_and_opted_out_employees_are_shown_but_not_emailed(
    manager_client: Client,
    employee: Employee,
    other: Employee,
    ann: Employee,
    week: dict[str, Schedule],
) -> None:
    EmployeePreferences.objects.create(employee=employee, notices_enabled=False)
    Employee.objects.filter(pk=other.pk).update(is_active=False)
    on(ann, 18)
    EmployeeFactory.create(name="No Mail", email="")
    on(Employee.objects.get(name="No Mail"), 18, hour=8)

    html, basis = publish_page(manager_client)
    assert "No email: switched email notices off." in html
    assert "No email: not active." in html
    assert "No email: no email address." in html
    assert "Publish and email 1 employee<" in html
    manager_client.post(PAGE, {"basis": basis})

    assert list(Notice.objects.values_list("recipient", flat=True)) == ["ann@example.com"]
    assert WeekPublication.objects.get().digests == 1


def test_only_managers_publish(
    client: Client,
    reader_user: User,
    employee_client: Client,
    week: dict[str, Schedule],
    api_as: Any,
) -> None:
    reader = Client()
    reader.force_login(reader_user)
    for who in (reader, employee_client):
        assert who.get(PAGE).status_code == 403
        assert who.post(PAGE, {"basis": "x"}).status_code == 403
    assert client.get(PAGE).status_code == 302  # to sign in
    for user in (reader_user, None):
        response = api_as(user).post(API, {}, format="json")
        assert response.status_code in (401, 403)
        assert response["Content-Type"] == "application/problem+json"
    assert WeekPublication.objects.count() == 0


def test_the_week_view_links_to_it_for_managers_only_and_only_with_this_app(
    manager_client: Client, reader_user: User, manager_user: User, week: dict[str, Schedule]
) -> None:
    page = manager_client.get("/week/2026-12-16/").content.decode()
    assert f'href="{PAGE}"' in page and "Not published yet" in page
    reader = Client()
    reader.force_login(reader_user)
    assert PAGE not in reader.get("/week/2026-12-16/").content.decode()

    week_publish(day=MONDAY, by=manager_user)
    page = manager_client.get("/week/2026-12-16/").content.decode()
    assert "Published to employees Thu 10 Dec, 09:00 by manager" in page

    saved = panel_registry._registry.pop(("week_actions", "selfservice.publish"))
    try:
        assert PAGE not in manager_client.get("/week/2026-12-16/").content.decode()
    finally:
        panel_registry._registry[("week_actions", "selfservice.publish")] = saved


def test_the_review_page_runs_constant_queries(manager_client: Client) -> None:
    def grow(n: int) -> None:
        for i in range(n):
            person = EmployeeFactory.create()
            on(person, 14 + i % 7, hour=8 + i % 8)
            if i % 2:
                calendar_feed_renew_safe(person)
            EmployeePreferences.objects.create(employee=person, notices_enabled=bool(i % 3))

    grow(2)
    # Session and user (2), the manager's permissions (2), the last publication, the
    # week's schedules, the changed employees with their preferences and feeds.
    assert_constant_queries(lambda: manager_client.get(PAGE), lambda: grow(12), expected=7)


def calendar_feed_renew_safe(employee: Employee) -> None:
    from django.test import override_settings

    with override_settings(
        CALENDAR_FEEDS_ENABLED=True, CALENDAR_FEEDS_SECRET="test-feed-secret-0123456789"
    ):
        calendar_feed_renew(employee_id=employee.pk)


# --- the API -------------------------------------------------------------------------


def test_api_preview_then_publish_then_nothing_twice(
    manager_user: User, employee: Employee, other: Employee, week: dict[str, Schedule]
) -> None:
    api = APIClient()
    api.force_login(manager_user)
    preview = api.get(API).json()
    assert (preview["week_start"], preview["week_end"], preview["changed"]) == (
        "2026-12-14",
        "2026-12-20",
        True,
    )
    assert preview["scheduled"] == 3 and preview["last_published_at"] is None
    emma = next(e for e in preview["employees"] if e["employee"] == employee.pk)
    assert [a["title"] for a in emma["added"]] == [
        "Core: 606001-CORE-Super Pretzel",
        "Core: 606002-CORE-Crunchy Crackers",
    ]
    assert emma["emailed"] is True and emma["not_emailed_because"] == ""
    assert "email" not in emma and "phone" not in emma

    stale = api.post(API, {"basis": "1-nope"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "week_changed"

    created = api.post(API, {"basis": preview["basis"]}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["week_start"], body["number"], body["digests"], body["published_by"]) == (
        "2026-12-14",
        1,
        2,
        "manager",
    )
    again = api.post(API, {}, format="json")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["code"] == "nothing_to_publish"
    assert Notice.objects.count() == 2
    assert api.get("/api/v1/weeks/2026-02-30/publication/").status_code == 404


def test_api_preview_runs_constant_queries(manager_user: User) -> None:
    api = APIClient()
    api.force_login(manager_user)

    def grow(n: int) -> None:
        for i in range(n):
            on(EmployeeFactory.create(), 14 + i % 7, hour=8 + i % 8)

    grow(2)
    # The same as the page's: session, user, permissions (2), then three reads.
    assert_constant_queries(lambda: api.get(API), lambda: grow(10), expected=7)


def test_preview_matches_what_is_published(
    manager_user: User, employee: Employee, week: dict[str, Schedule]
) -> None:
    preview = week_preview(MONDAY)
    publication = week_publish(day=MONDAY, by=manager_user, basis=preview.basis)
    assert {n.body for n in Notice.objects.all()} == {
        row.digest for row in preview.rows
    }  # feeds off: no link, so the preview's text is the email's
    assert publication.digests == len(preview.rows)


def test_publications_are_read_only_history_in_the_admin(
    staff_client: Client, manager_user: User, week: dict[str, Schedule]
) -> None:
    publication = week_publish(day=MONDAY, by=manager_user)
    listed = staff_client.get("/admin/selfservice/weekpublication/").content.decode()
    assert "Week of Mon 14 Dec 2026" in listed and "manager" in listed
    page = staff_client.get(f"/admin/selfservice/weekpublication/{publication.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Schedules published" in html and "Digest emails" in html
    assert "snapshot" not in html.lower() and "employee_name" not in html
    assert staff_client.get("/admin/selfservice/weekpublication/add/").status_code == 403
    assert (
        staff_client.post(
            f"/admin/selfservice/weekpublication/{publication.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert WeekPublication.objects.count() == 1
