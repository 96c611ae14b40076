"""The API keeps its contract: schemathesis over every operation of the served schema.

The schema is the one the application really serves at `/api/schema/`, fetched through
the real WSGI application (`core.wsgi.application`: every middleware, no network), and
every request goes through that same application, authenticated with a knox token as a
staff user and again as a read-only user. Every built-in schemathesis check runs: no
5xx, status codes, content types, bodies and headers as documented, schema-invalid
input refused, schema-valid input accepted, authentication enforced (it re-sends
without and with a bad token), unsupported methods answered 405. On top, every 4xx must
be an RFC 9457 problem (`problem_details` below).

- `test_generated_requests_keep_the_contract`: generated requests, one pytest item per
  operation and role. Schemathesis' coverage phase sends its deterministic cases
  (boundaries, each parameter missing, of the wrong type, or unknown), the fuzzing
  phase `MAX_EXAMPLES` more.
- `test_real_rows_keep_the_contract`: the requests generation cannot guess (each row's
  own id, the right password, a session that exists), so that every success body,
  with its nested and blank fields, is validated against the schema too.

Bounded and deterministic: a fixed seed, derandomized generation, no example database.
Each request runs inside a savepoint that is rolled back, so no example sees what an
earlier one wrote (a sign-out, a revoked session, a sign-in failure counted towards the
lockout) and a database error cannot poison the next example on PostgreSQL.

Nothing is excluded: every operation runs for both roles, including sign-out and the
session revocations, which cannot end the token the run uses (a token is not a session,
and every example is rolled back anyway). One check is narrowed, for one status, and
replaced by a stricter one for it: see `DOMAIN_REFUSALS`.

`pytest -m contract` selects this file; it also runs as part of the whole suite.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.db.models import Model
from django.test import Client
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.core.result import Ok

from core.problems import PROBLEM_CONTENT_TYPE
from core.wsgi import application
from employees.models import Employee, JobTitle
from events.models import Event, EventCondition
from events.types import EventType
from scheduler.models import Schedule
from sessions_ext.models import UserSession
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.contract, pytest.mark.django_db]

SEED = 20261126
# Fuzzing examples per operation and role, on top of the coverage phase's cases.
MAX_EXAMPLES = 25

# `positive_data_acceptance` expects a schema-valid request never to get a 400. Some
# requests are well formed and still refused for a fact that no schema can state: the
# password is not the right one (sign-in, ending sessions), an id in the body names no row
# (the API's convention, DRF's, is a 400 naming the field), the assignment breaks a
# scheduling rule (documented on the operations as 400 `rule_violation` /
# `unacknowledged_warnings`), or `date_from` is after `date_to` (a 400 `invalid_range`
# pinned by tests/events and tests/scheduler; OpenAPI has no way to relate two
# parameters), or a date-time falls outside the accepted years (a 400 `out_of_range`,
# README "Accepted input"; JSON Schema has no bounds for a date-time string).
# Schemathesis itself makes the first exception, but only
# for operations it knows to grant credentials (an OAuth `tokenUrl`), which a session
# sign-in cannot declare. So 400 is added to that check's accepted statuses, and
# `positive_data_refused_only_for_domain_facts` below takes its place for that status:
# a schema-valid request answered 400 fails the run unless the problem is one of these
# refusals. Any other 400 (a format, length, range or type error on a value the schema
# allows) is a disagreement between schema and server, as before.
# `sync_disabled`: POST /api/v1/sync/ while the sync feature is off (as in this run).
# `edr_disabled`: the portal sign-in endpoints while EDR is off (as in this run).
DOMAIN_REFUSALS = {
    "invalid_credentials",
    "rule_violation",
    "unacknowledged_warnings",
    "sync_disabled",
    "edr_disabled",
    "too_early",  # attendance before the schedule's day: a fact of the data, not the schema
    "not_same_day",  # a trade of two schedules on different days: the same
    "same_employee",  # a trade of two schedules of one employee: the same
}
DOMAIN_FIELD_ERRORS = {
    "does_not_exist": "an id in the body names no row",
    "wrong_password": "the password re-entered is not the user's (ending sessions)",
    "invalid_range": "date_from after date_to: OpenAPI cannot relate two parameters",
    "out_of_range": "a day outside 2000-2100 in store time: JSON Schema bounds no date-time",
    "minutes_required": "attendance `late` needs minutes_late: OpenAPI cannot relate two fields",
    "minutes_only_when_late": "minutes_late with another status: the same",
    "open_ended_only_terminated": "a call-out without last_day must be a termination: the same",
    "duplicate_schedule": "a call-out names a schedule twice in `replacements`",
}
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "deterministic": True,
            "max-examples": MAX_EXAMPLES,
            # No example database: a failure replayed from an earlier run would make the
            # run depend on the machine's history.
            "database": "none",
        },
        "checks": {
            "positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]},
        },
    }
)

PROJECT_PACKAGES = ("core", "employees", "events", "scheduler", "sessions_ext", "attendance")


def _import_every_project_module() -> None:
    """Import the whole project now, so that generation does not depend on test order.

    Hypothesis (its "local constants") and schemathesis draw some values from literals
    in the project modules imported at the time: without this, the whole suite, having
    imported the demo seeder, the management commands and more, generated other
    requests than `pytest -m contract` or this file alone. With it the run depends on
    the code only.
    """
    for package in PROJECT_PACKAGES:
        root = importlib.import_module(package)
        for found in pkgutil.walk_packages(root.__path__, f"{package}."):
            importlib.import_module(found.name)


_import_every_project_module()
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

PROBLEM_FIELDS = {"type": str, "title": str, "status": int, "detail": str, "code": str}
ROLES = ["staff", "reader"]
PASSWORDS = {"staff": "office-pass-123", "reader": "reader-pass-123"}  # tests/conftest.py


@dataclass(frozen=True)
class Identity:
    role: str
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


@dataclass(frozen=True)
class WriteTargets:
    unscheduled: Event  # a Core event nobody works yet
    free_employee: Employee  # free on 2026-12-16 at 10:45
    trade: tuple[Schedule, Schedule]  # same day, different employees


@pytest.fixture
def contract_data(db: None) -> WriteTargets:
    """Realistic rows, blanks included, so that details and filters find something."""
    specialists = EmployeeFactory.create_batch(3)
    lead = EmployeeFactory(job_title=JobTitle.LEAD_EVENT_SPECIALIST, available_sun=False)
    supervisor = EmployeeFactory(job_title=JobTitle.CLUB_SUPERVISOR)
    EmployeeFactory(job_title=JobTitle.JUICER_BARISTA, email="", phone="", rep_id=None)
    EmployeeFactory(is_active=False, termination_date=dt.date(2026, 10, 31))

    core = EventFactory(project_name="606100-CORE-Super Pretzel", event_type=EventType.CORE)
    paired = EventFactory(
        project_name="606100-Supervisor-Super Pretzel",
        event_type=EventType.SUPERVISOR,
        core_event=core,
        estimated_minutes=60,
    )
    juicer = EventFactory(
        project_name="606101-JUICER-Production",
        event_type=EventType.JUICER_PRODUCTION,
        store_number="8136",
        store_name="",
        location_id="",
        condition=EventCondition.SCHEDULED,
    )
    EventFactory(
        project_name="606102-Digital Refresh",
        event_type=EventType.DIGITAL_REFRESH,
        estimated_minutes=None,
        sales_tool_url="https://example.com/sales-tool/606102",
        last_synced_at=store_local(2026, 11, 20, 6),
    )
    unscheduled, first, second = EventFactory.create_batch(3)

    ScheduleFactory(event=core, employee=lead, start=store_local(2026, 12, 15, 10, 45))
    ScheduleFactory(event=paired, employee=supervisor, start=store_local(2026, 12, 15, 12, 45))
    ScheduleFactory(event=juicer, employee=specialists[0], start=store_local(2026, 12, 16, 9))
    ScheduleFactory(event=first, employee=specialists[1], start=store_local(2026, 12, 15, 10, 45))
    ScheduleFactory(event=second, employee=specialists[2], start=store_local(2026, 12, 15, 11, 15))
    return WriteTargets(
        unscheduled=unscheduled,
        free_employee=specialists[1],
        trade=(first.schedules.get(), second.schedules.get()),
    )


@pytest.fixture(params=ROLES)
def identity(request: pytest.FixtureRequest, contract_data: WriteTargets) -> Identity:
    """A knox token for the role's user, who is also signed in on two browsers."""
    user: User = request.getfixturevalue(f"{request.param}_user")
    _, token = AuthToken.objects.create(user=user)
    for _ in range(2):  # sessions to list and to revoke
        Client().force_login(user)
    return Identity(role=request.param, user=user, token=token)


@pytest.fixture
def wsgi_requests_keep_the_test_transaction() -> Iterator[None]:
    """Let requests through the raw WSGI handler run inside the test's transaction.

    Django's handler closes "old" connections when a request starts and finishes; in a
    test transaction that would close the connection under the test (Django's own test
    client disconnects the same receiver for the same reason).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _body(response: schemathesis.Response) -> Any:
    return json.loads(response.content)


def problem_details(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """Every 4xx is an RFC 9457 problem with this API's fields."""
    if not 400 <= response.status_code < 500:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.split(";")[0].strip() == PROBLEM_CONTENT_TYPE, (
        f"{response.status_code} answered as {content_type!r}, not {PROBLEM_CONTENT_TYPE}"
    )
    body = _body(response)
    for name, kind in PROBLEM_FIELDS.items():
        assert isinstance(body.get(name), kind), f"problem field {name!r} missing or not {kind}"
    assert body["status"] == response.status_code
    assert body["type"] == f"/problems/{body['code']}"
    assert isinstance(body.get("error_id"), str) and body["error_id"]


def positive_data_refused_only_for_domain_facts(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """A schema-valid request answered 400 was refused for a fact no schema states."""
    meta = case.meta
    if response.status_code != 400 or meta is None or not meta.generation.mode.is_positive:
        return
    body = _body(response)
    if body["code"] in DOMAIN_REFUSALS:
        return
    field_errors = {e["code"] for e in body.get("errors", [])}
    assert (
        body["code"] == "invalid" and field_errors and field_errors <= DOMAIN_FIELD_ERRORS.keys()
    ), f"schema-valid request refused: {body}"


EXTRA_CHECKS: list[schemathesis.CheckFunction] = [
    problem_details,
    positive_data_refused_only_for_domain_facts,
]


def call_and_validate(case: schemathesis.Case, identity: Identity) -> schemathesis.Response:
    """One request and every check, inside a savepoint that is rolled back."""
    with transaction.atomic():
        response = case.call_and_validate(headers=identity.headers, additional_checks=EXTRA_CHECKS)
        transaction.set_rollback(True)
    return response


@schema.parametrize()
# The function-scoped fixtures (rows, users, tokens, the test transaction) are shared by
# the examples of one operation on purpose: each example runs in its own savepoint that
# is rolled back, which is the per-example reset this health check asks for.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_generated_requests_keep_the_contract(
    case: schemathesis.Case, identity: Identity, wsgi_requests_keep_the_test_transaction: None
) -> None:
    call_and_validate(case, identity)


def test_the_acceptance_check_is_replaced_not_dropped() -> None:
    """400 joins the accepted statuses only because the check above judges every 400."""
    for result in schema.get_all_operations():
        assert isinstance(result, Ok)
        config = CONFIG.projects.get_default().checks_config_for(operation=result.ok())
        assert config.positive_data_acceptance.enabled
        assert config.positive_data_acceptance.expected_statuses == [*POSITIVE_STATUSES, "400"]
    assert positive_data_refused_only_for_domain_facts in EXTRA_CHECKS


def op(path: str, method: str = "GET") -> Any:
    return schema[path][method]


def _checker(identity: Identity) -> Any:
    """Send one explicit case with every check, expecting `status`; answer the body."""

    def check(case: schemathesis.Case, status: int) -> Any:
        response = call_and_validate(case, identity)
        assert response.status_code == status, response.text
        return _body(response) if response.content else None

    return check


def test_real_rows_keep_the_contract(
    identity: Identity, wsgi_requests_keep_the_test_transaction: None
) -> None:
    """Each row's own id, the right password, a session that exists (each call rolled back)."""
    check = _checker(identity)
    page = {"page_size": 200}
    lists: dict[str, tuple[type[Model], dict[str, Any]]] = {
        "/api/v1/employees/": (Employee, {"ordering": ["-name"]}),
        "/api/v1/events/": (Event, {"scheduled": True, "date_from": "2026-12-14"}),
        "/api/v1/schedules/": (Schedule, {"date_to": "2026-12-16", "ordering": ["employee"]}),
    }
    for path, (model, filters) in lists.items():
        listed = check(op(path).Case(query=page), 200)
        assert listed["count"] == model._default_manager.count() > 0
        assert check(op(path).Case(query={**page, **filters}), 200)["count"] > 0
        for row in listed["results"]:
            detail = check(op(f"{path}{{id}}/").Case(path_parameters={"id": row["id"]}), 200)
            assert detail == row

    me = check(op("/api/v1/auth/me/").Case(), 200)
    assert me["username"] == identity.user.username
    sessions = check(op("/api/v1/sessions/").Case(), 200)
    assert len(sessions) == UserSession.objects.filter(user=identity.user).count() == 2
    # Every call is rolled back: revoke-others still finds both sessions after the revoke.
    password = PASSWORDS[identity.role]
    revoke = op("/api/v1/sessions/{public_id}/", "DELETE")
    ended = revoke.Case(
        path_parameters={"public_id": sessions[0]["id"]}, body={"password": password}
    )
    check(ended, 204)
    others = op("/api/v1/sessions/revoke-others/", "POST")
    assert check(others.Case(body={"password": password}), 200) == {"revoked": 2}
    check(op("/api/v1/auth/logout/", "POST").Case(), 204)
    login = op("/api/v1/auth/login/", "POST")
    body = {"username": identity.user.username, "password": password}
    assert check(login.Case(body=body), 200)["id"] == identity.user.pk
    assert check(op("/api/health/").Case(), 200) == {"status": "ok"}


def test_real_writes_keep_the_contract(
    identity: Identity,
    contract_data: WriteTargets,
    wsgi_requests_keep_the_test_transaction: None,
) -> None:
    """Assignments that the rules allow, so that every success body is validated too."""
    check = _checker(identity)
    writes = identity.role == "staff"  # a read-only user gets 403 problems
    target = contract_data
    start = "2026-12-16T10:45:00-05:00"
    proposal = {"event": target.unscheduled.pk, "employee": target.free_employee.pk}

    verdict = check(
        op("/api/v1/schedules/validate/", "POST").Case(body={**proposal, "start": start}), 200
    )
    assert verdict == {"ok": True, "violations": []}
    candidates = op("/api/v1/events/{id}/candidates/")
    found = check(
        candidates.Case(path_parameters={"id": target.unscheduled.pk}, query={"start": start}), 200
    )
    assert target.free_employee.pk in {c["employee"]["id"] for c in found if c["ok"]}

    create = op("/api/v1/schedules/", "POST").Case(body={**proposal, "start": start})
    created = check(create, 201 if writes else 403)
    first, second = target.trade
    reschedule = op("/api/v1/schedules/{id}/", "PATCH").Case(
        path_parameters={"id": first.pk}, body={"start": "2026-12-15T11:45:00-05:00"}
    )
    rescheduled = check(reschedule, 200 if writes else 403)
    trade = op("/api/v1/schedules/trade/", "POST").Case(body={"schedules": [first.pk, second.pk]})
    traded = check(trade, 200 if writes else 403)
    unschedule = op("/api/v1/schedules/{id}/", "DELETE").Case(path_parameters={"id": second.pk})
    check(unschedule, 204 if writes else 403)
    if writes:
        assert created["schedule"]["event"] == target.unscheduled.pk
        assert rescheduled["schedule"]["start"] == "2026-12-15T11:45:00-05:00"
        assert [s["employee"] for s in traded["schedules"]] == [
            second.employee_id,
            first.employee_id,
        ]
