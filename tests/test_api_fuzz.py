"""A fixed corpus of hostile values to every operation of the OpenAPI schema: never a 5xx.

Where `tests/test_api_contract.py` lets schemathesis generate requests from the schema,
this module sends what a careless or hostile client sends whatever the schema says:
deep nesting, numbers that overflow, NaN and infinities, dates at the ends of the
calendar, NUL and lone surrogates, a 1 MB string, wrong types, unknown fields, bodies
that are no JSON at all — in every path parameter, every query parameter, every field
of every request body and as the whole body. Each operation is one test; every request
of it runs in a savepoint that is rolled back (no request sees what another wrote or
counted towards a lockout), authenticated with a staff user's API token, the caller who
reaches the deepest code. Any 5xx fails the test, listing every request that got one.

The operations come from the schema the application generates, so a new endpoint is
fuzzed without a line here; `KNOWN_GOOD` gives each body field a valid value, so that
one hostile field at a time gets past the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken

from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

# `contract`: CI runs it with the schemathesis run, in one bounded step (.ci/run).
pytestmark = [pytest.mark.contract, pytest.mark.django_db]

PASSWORD = "office-pass-123"  # tests/conftest.py staff_user
DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
MEGABYTE = "x" * 1_000_000

# Raw JSON texts put where a value goes (a field, an array item, the whole body).
HOSTILE_JSON: list[str] = [
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "-Infinity",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775807",
    "0",
    "-1",
    "1.5",
    "1e-999",
    "true",
    "null",
    "[]",
    "{}",
    '""',
    '"9999-12-31T23:59:59Z"',
    '"0001-01-01T00:00:00+14:00"',
    '"9999-12-31"',
    '"0001-01-01"',
    '"2026-02-30"',
    '"2026-12-15T25:61:00"',
    '"\\u0000"',
    '"a\\u0000b"',
    '"\\ud800"',
    '"1e999"',
    '"NaN"',
    '"-1"',
    '"<script>alert(1)</script>"',
    '"%s%n%x"',
    json.dumps(MEGABYTE),
    json.dumps([MEGABYTE]),
    "[" * 1_000 + "]" * 1_000,
    '{"nested": {"nested": {"nested": [1, 2, 3]}}}',
    '[1e999, "x", null, {}]',
]
# Whole bodies that are no (acceptable) JSON at all.
HOSTILE_BODIES: list[bytes] = [
    DEEP_ARRAY.encode(),
    DEEP_OBJECT.encode(),
    b"",
    b"not json",
    b"{",
    b"\x00",
    b"\xff\xfe\xfd",
    b'{"a": 1, "a": 2}',
    '{"\u0000": "\ud800"}'.encode("utf-8", "surrogatepass"),
]
# Query-string and path values (text: what a URL can carry).
HOSTILE_TEXT: list[str] = [
    "1e999",
    "9" * 400,
    "-1",
    "0",
    "NaN",
    "inf",
    "1.5",
    "9223372036854775808",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+14:00",
    "2026-02-30",
    "\x00",
    "a\x00b",
    "\udcff",
    "x" * 10_000,
    "true",
    "[]",
    "," * 100,
    "-name,-name,-name",
    "' OR 1=1 --",
    "../../etc/passwd",
    "00000000-0000-0000-0000-000000000000",
]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    body_fields: tuple[str, ...] | None  # None: the operation takes no body

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _operations() -> list[Operation]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            fields = None
            if body is not None:
                fields = tuple(_resolve(schema, body["schema"]).get("properties", {}))
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    path_params=tuple(p["name"] for p in parameters if p["in"] == "path"),
                    query_params=tuple(p["name"] for p in parameters if p["in"] == "query"),
                    body_fields=fields,
                )
            )
    return found


OPERATIONS = _operations()


@dataclass
class Rows:
    """Real rows, so that a request with one hostile value gets past the others."""

    path_ids: dict[str, str]
    known_good: dict[str, Any]


@pytest.fixture
def rows(staff_user: User) -> Rows:
    event = EventFactory.create()
    other_event = EventFactory.create()
    employee = EmployeeFactory.create()
    first = ScheduleFactory.create(start=store_local(2026, 12, 15, 10, 45))
    second = ScheduleFactory.create(start=store_local(2026, 12, 15, 11, 15))
    other = Client()
    other.force_login(staff_user)
    session = staff_user.user_sessions.get()
    return Rows(
        path_ids={"id": str(first.pk), "public_id": str(session.public_id)},
        known_good={
            "event": other_event.pk if event.pk == first.event_id else event.pk,
            "employee": employee.pk,
            "start": "2026-12-16T10:45:00-05:00",
            "acknowledge": [],
            "schedules": [first.pk, second.pk],
            "username": staff_user.username,
            "password": PASSWORD,
            "date_from": "2026-12-14",
            "date_to": "2026-12-20",
        },
    )


@pytest.fixture
def sync_unreachable(settings: Any) -> None:
    """Sync on, so that POST /api/v1/sync/ reads its body; the planning system is a
    closed port, answered at once (502 external_api_error, an upstream failure)."""
    settings.SYNC_ENABLED = True
    settings.SYNC_BASE_URL = "http://127.0.0.1:9"
    settings.SYNC_USERNAME = "fuzz"
    settings.SYNC_PASSWORD = "fuzz"
    settings.SYNC_RETRY_ATTEMPTS = 1
    settings.SYNC_TIMEOUT_SECONDS = 0.5


def _requests(op: Operation, rows: Rows) -> list[tuple[str, str, bytes | None]]:
    """(description, url, body) for every hostile request to `op`."""

    def url(path_values: dict[str, str], query: dict[str, str] | None = None) -> str:
        path = op.path
        for name in op.path_params:
            value = path_values[name].encode("utf-8", "surrogatepass")
            path = path.replace(f"{{{name}}}", quote(value, safe=""))
        text = urlencode(query or {}, encoding="utf-8", errors="surrogatepass")
        return f"{path}?{text}" if text else path

    good_path = {name: rows.path_ids.get(name, "1") for name in op.path_params}
    good_body = (
        None
        if op.body_fields is None
        else {f: rows.known_good[f] for f in op.body_fields if f in rows.known_good}
    )
    base_body = None if good_body is None else json.dumps(good_body).encode()
    found: list[tuple[str, str, bytes | None]] = []
    for name in op.path_params:
        for value in HOSTILE_TEXT:
            found.append(
                (f"path {name}={value[:30]!r}", url({**good_path, name: value}), base_body)
            )
    for name in op.query_params:
        for value in HOSTILE_TEXT:
            query = {name: value}
            found.append((f"query {name}={value[:30]!r}", url(good_path, query), base_body))
        found.append((f"query {name} x3", url(good_path) + f"?{name}=1&{name}=x&{name}=", None))
    # Whatever the operation declares: parameters it does not know, a body it does not
    # take (a GET or DELETE with one), or no body where it wants one.
    found.append(("query unknown", url(good_path, {"unknown": "1e999", "page": "1e999"}), None))
    if good_body is None:
        for raw in (*HOSTILE_BODIES, b"1e999", json.dumps(MEGABYTE).encode()):
            found.append((f"unexpected body {raw[:30]!r}", url(good_path), raw))
    else:
        for raw in HOSTILE_BODIES:
            found.append((f"body {raw[:30]!r}", url(good_path), raw))
        for literal in HOSTILE_JSON:
            found.append((f"body = {literal[:30]}", url(good_path), literal.encode()))
            for field in [*(op.body_fields or ()), "unknown_field"]:
                others = {k: v for k, v in good_body.items() if k != field}
                text = json.dumps(others)[:-1] + (", " if others else "")
                for value in (literal, f"[{literal}]"):
                    body = f'{text}"{field}": {value}}}'.encode("utf-8", "surrogatepass")
                    found.append((f"body {field}: {value[:30]}", url(good_path), body))
    return found


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_hostile_input_never_gets_a_server_error(
    op: Operation, rows: Rows, staff_user: User, sync_unreachable: None
) -> None:
    _, token = AuthToken.objects.create(user=staff_user)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
    sent = _requests(op, rows)
    failures = []
    for description, url, body in sent:
        with transaction.atomic():
            response = client.generic(
                op.method, url, data=body or b"", content_type="application/json"
            )
            transaction.set_rollback(True)
        upstream_failure = op.path == "/api/v1/sync/" and response.status_code == 502
        if response.status_code >= 500 and not upstream_failure:
            failures.append(f"{response.status_code} for {description}")
    assert len(sent) > 0
    assert failures == [], f"{op}: {len(failures)} of {len(sent)} requests got a 5xx"
