"""Time-off requests: every state change, by page and API, both sides."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from employees.models import Employee, TimeOff
from selfservice.models import Notice, RequestStatus, TimeOffRequest
from tests.employees.factories import EmployeeFactory, TimeOffFactory
from tests.selfservice.conftest import schedule_on

pytestmark = pytest.mark.django_db


def ask(client: Client, first: dt.date, last: dt.date, reason: str = "") -> object:
    return client.post(
        "/me/requests/",
        {"start_date": first.isoformat(), "end_date": last.isoformat(), "reason": reason},
    )


def test_employee_asks_sees_and_cancels(
    employee_client: Client, employee: Employee, today: dt.date
) -> None:
    day = today + dt.timedelta(days=5)
    response = ask(employee_client, day, day + dt.timedelta(days=1), "Wedding")
    assert response.status_code == 302  # type: ignore[attr-defined]
    req = TimeOffRequest.objects.get()
    assert (req.employee, req.start_date, req.status, req.reason) == (
        employee,
        day,
        RequestStatus.PENDING,
        "Wedding",
    )
    html = employee_client.get("/me/requests/").content.decode()
    assert "Pending" in html and "Wedding" in html

    assert employee_client.post(f"/me/requests/{req.pk}/cancel/").status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.CANCELED
    # Cancelling again: already decided, nothing changes.
    employee_client.post(f"/me/requests/{req.pk}/cancel/")
    req.refresh_from_db()
    assert req.status == RequestStatus.CANCELED


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (-1, 0, "Time off can only be requested from today on."),
        (3, 2, "The last day must not be before the first day."),
        (1, 400, "Ask for at most a year at once."),
    ],
)
def test_bad_requests_are_refused(
    employee_client: Client, today: dt.date, first: int, last: int, message: str
) -> None:
    response = ask(
        employee_client, today + dt.timedelta(days=first), today + dt.timedelta(days=last)
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    assert TimeOffRequest.objects.count() == 0


def test_overlapping_request_is_refused(employee_client: Client, today: dt.date) -> None:
    ask(employee_client, today + dt.timedelta(days=3), today + dt.timedelta(days=5))
    response = ask(employee_client, today + dt.timedelta(days=5), today + dt.timedelta(days=6))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "This overlaps your pending request" in response.content.decode()  # type: ignore[attr-defined]
    assert TimeOffRequest.objects.count() == 1


def test_another_employees_request_cannot_be_cancelled(
    employee_client: Client, other: Employee, today: dt.date
) -> None:
    theirs = TimeOffRequest.objects.create(employee=other, start_date=today, end_date=today)
    assert employee_client.post(f"/me/requests/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.PENDING


def test_manager_inbox_shows_clashes_and_who_else_is_off(
    manager_client: Client, employee: Employee, other: Employee, today: dt.date
) -> None:
    day = today + dt.timedelta(days=4)
    clash = schedule_on(employee, day, project_name="606700-CORE-Clash")
    TimeOffFactory.create(employee=other, start_date=day, end_date=day)
    TimeOffRequest.objects.create(employee=employee, start_date=day, end_date=day)

    html = manager_client.get("/requests/").content.decode()

    assert "Waiting for a decision (1)" in html
    assert "Clashes with 1 scheduled event" in html and "606700-CORE-Clash" in html
    assert f"/events/{clash.event_id}/" in html
    assert "Also off then: Otto Other." in html


def test_approve_writes_time_off_in_the_same_step_and_notifies(
    manager_client: Client,
    manager_user: object,
    employee: Employee,
    today: dt.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    day = today + dt.timedelta(days=4)
    req = TimeOffRequest.objects.create(
        employee=employee, start_date=day, end_date=day, reason="Dentist"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(f"/requests/{req.pk}/approve/", {"note": ""})

    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and req.decided_by == manager_user
    time_off = TimeOff.objects.get(employee=employee)
    assert (time_off.start_date, time_off.end_date, time_off.reason) == (day, day, "Dentist")
    assert req.time_off == time_off
    assert [m.subject for m in mail.outbox] == ["Time off approved"]
    assert mail.outbox[0].to == ["emma@example.com"]
    assert Notice.objects.get().state == "sent"
    # Deciding again: 409, nothing changes.
    again = manager_client.post(f"/requests/{req.pk}/deny/", {"note": "No"})
    assert again.status_code == 409
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and len(mail.outbox) == 1


def test_approve_refused_when_time_off_already_overlaps(
    manager_client: Client, employee: Employee, today: dt.date
) -> None:
    day = today + dt.timedelta(days=4)
    TimeOffFactory.create(employee=employee, start_date=day, end_date=day)
    req = TimeOffRequest.objects.create(employee=employee, start_date=day, end_date=day)

    response = manager_client.post(f"/requests/{req.pk}/approve/")

    assert response.status_code == 400
    assert "overlaps time off already recorded" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING
    assert TimeOff.objects.filter(employee=employee).count() == 1
    assert mail.outbox == []


def test_deny_needs_a_note(
    manager_client: Client,
    employee: Employee,
    today: dt.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    req = TimeOffRequest.objects.create(employee=employee, start_date=today, end_date=today)
    assert manager_client.post(f"/requests/{req.pk}/deny/", {"note": " "}).status_code == 400
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(f"/requests/{req.pk}/deny/", {"note": "Busy week"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.decision_note) == (RequestStatus.DENIED, "Busy week")
    assert [m.subject for m in mail.outbox] == ["Time off not approved"]
    assert "Busy week" in mail.outbox[0].body
    assert TimeOff.objects.count() == 0


def test_readers_and_employees_cannot_decide(
    employee_client: Client, reader_user: object, employee: Employee, today: dt.date
) -> None:
    req = TimeOffRequest.objects.create(employee=employee, start_date=today, end_date=today)
    reader = Client()
    reader.force_login(reader_user)  # type: ignore[arg-type]
    for client in (employee_client, reader):
        assert client.post(f"/requests/{req.pk}/approve/").status_code == 403
        assert client.get("/requests/").status_code == 403
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING


def test_inbox_queries_constant(
    manager_client: Client, today: dt.date, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            person = EmployeeFactory.create()
            schedule_on(person, today + dt.timedelta(days=i + 1))
            TimeOffRequest.objects.create(
                employee=person,
                start_date=today + dt.timedelta(days=i + 1),
                end_date=today + dt.timedelta(days=i + 1),
            )
            TimeOffRequest.objects.create(
                employee=person,
                start_date=today + dt.timedelta(days=30),
                end_date=today + dt.timedelta(days=30),
                status=RequestStatus.DENIED,
            )

    add(1)
    manager_client.get("/requests/")
    with django_assert_num_queries(8):  # type: ignore[operator]
        manager_client.get("/requests/")
    add(5)
    with django_assert_num_queries(8):  # type: ignore[operator]
        html = manager_client.get("/requests/").content.decode()
    assert "Waiting for a decision (6)" in html


# --- API -----------------------------------------------------------------------------


@pytest.fixture
def employee_api(employee: Employee) -> APIClient:
    client = APIClient()
    client.force_login(employee.user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def manager_api(manager_user: object) -> APIClient:
    client = APIClient()
    client.force_login(manager_user)  # type: ignore[arg-type]
    return client


def test_api_both_sides(
    employee_api: APIClient, manager_api: APIClient, employee: Employee, today: dt.date
) -> None:
    day = (today + dt.timedelta(days=2)).isoformat()
    created = employee_api.post(
        "/api/v1/me/requests/", {"start_date": day, "end_date": day, "reason": "Exam"}
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["status"] == "pending"
    assert employee_api.get("/api/v1/me/requests/").json()["count"] == 1

    listed = manager_api.get("/api/v1/requests/?status=pending").json()
    assert [r["id"] for r in listed["results"]] == [pk]
    assert manager_api.get("/api/v1/requests/?status=nope").status_code == 400

    denied = manager_api.post(f"/api/v1/requests/{pk}/deny/", {"note": ""})
    assert denied.status_code == 400
    assert denied.json()["errors"][0]["attr"] == "note"
    approved = manager_api.post(f"/api/v1/requests/{pk}/approve/", {"note": "Good luck"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert manager_api.post(f"/api/v1/requests/{pk}/approve/").status_code == 409
    assert employee_api.post(f"/api/v1/me/requests/{pk}/cancel/").status_code == 409
    assert TimeOff.objects.filter(employee=employee).count() == 1


def test_api_bad_input(employee_api: APIClient, today: dt.date) -> None:
    past = (today - dt.timedelta(days=1)).isoformat()
    response = employee_api.post("/api/v1/me/requests/", {"start_date": past, "end_date": past})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "start_date"
    assert employee_api.post("/api/v1/me/requests/", {"start_date": "x"}).status_code == 400
    assert employee_api.post("/api/v1/me/requests/999/cancel/").status_code == 404
    assert employee_api.get("/api/v1/requests/").status_code == 403
    assert TimeOffRequest.objects.count() == 0


def test_api_cancel(employee_api: APIClient, employee: Employee, today: dt.date) -> None:
    req = TimeOffRequest.objects.create(employee=employee, start_date=today, end_date=today)
    response = employee_api.post(f"/api/v1/me/requests/{req.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "canceled"


@pytest.mark.parametrize("path", ["/", "/week/2026-12-14/", "/day/2026-12-15/", "/requests/"])
def test_managers_find_the_inbox_from_every_page(
    manager_client: Client, reader_user: object, employee_client: Client, path: str
) -> None:
    link = 'href="/requests/"'
    assert link in manager_client.get(path).content.decode()
    reader = Client()
    reader.force_login(reader_user)  # type: ignore[arg-type]
    assert link not in reader.get(path).content.decode()
    assert link not in employee_client.get("/me/").content.decode()
