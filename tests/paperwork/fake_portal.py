"""A fake retailer portal (sign-in service + Event Management) and sales-tool server that
really listen on loopback (pytest-httpserver).

Sign-in: `/api/login` (username + password), `/api/mfa/sendCode` (records a code, as the
SMS would carry), `/api/mfa/validateCode` (401 on a wrong code), then
`/EventManagement/api/authenticate` sets the `auth-token` cookie (URL-encoded JSON with
`token`). Reads need `Authorization: Bearer <token>`; the fake answers a 401 otherwise,
or a 302 to the login page with `expiry="redirect"`. Faults are queued per endpoint.
Sales tools: `/tools/<name>` answers what `tools[name]` holds.

Also used by bench/paperwork_bench.py outside pytest (with `latency`).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

USERNAME = "edr-manager"
PASSWORD = "P0rtal-Secret-Pa55word!"  # a test credential, asserted absent from logs
CREDENTIAL_ID = "cred-5551234"

ENDPOINTS = {
    "/api/login": "login",
    "/api/mfa/sendCode": "send_code",
    "/api/mfa/validateCode": "validate_code",
    "/EventManagement/api/authenticate": "authenticate",
    "/EventManagement/api/browse-event/browse-data": "browse",
    "/EventManagement/api/edrReport": "report",
}


@dataclass
class Fault:
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    delay: float = 0.0
    expire: bool = False  # end every portal session, then answer as if signed out


def report(
    number: str,
    *,
    name: str = "Super Pretzel demo",
    items: list[dict[str, Any]] | None = None,
    prep: str = "Warm the pretzels for 4 minutes.",
    portions: str = "Cut each pretzel in 8 pieces.",
) -> dict[str, Any]:
    return {
        "demoId": int(number),
        "demoName": name,
        "demoDate": "2026-12-15",
        "demoClassCode": "F",
        "demoStatusCode": "APPROVED",
        "demoLockInd": "N",
        "demoInstructions": {"demoPrepnTxt": prep, "demoPortnTxt": portions},
        "itemDetails": items if items is not None else [item("980001", "03600029145")],
    }


def item(number: str, gtin: str | None, desc: str = "Pretzel bites 2 lb") -> dict[str, Any]:
    return {"itemNbr": number, "gtin": gtin, "itemDesc": desc, "vendorNbr": "4411", "deptNbr": 95}


class FakePortal:
    def __init__(self, server: HTTPServer, *, expiry: str = "401", latency: float = 0.0) -> None:
        self.server = server
        self.expiry = expiry
        self.latency = latency
        self.reports: dict[str, dict[str, Any]] = {}
        self.stores: dict[str, str] = {}  # event number → store number
        self.tools: dict[
            str, tuple[int, str, bytes, float]
        ] = {}  # name → status, type, body, delay
        self.codes: list[str] = []  # codes "texted", newest last
        self.pending: dict[str, str] = {}  # login cookie → the code sent
        self.validated: set[str] = set()  # login cookies that passed the code
        self.tokens: dict[str, str] = {}  # token → login cookie it came from
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.calls: dict[str, int] = defaultdict(int)
        self.bearers: list[str] = []  # token of every authorised read, in order
        self.bodies: list[dict[str, Any]] = []  # every JSON body received
        self.token_max_age: int | None = 8 * 3600
        self.listed: set[str] = set()  # numbers the browse lists but the report does not know
        self._lock = threading.Lock()
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    @property
    def login_url(self) -> str:
        return self.base_url

    @property
    def portal_url(self) -> str:
        return self.base_url

    def tool_url(self, name: str) -> str:
        return f"{self.base_url}/tools/{name}"

    def add(self, number: str, data: dict[str, Any] | None = None, *, store: str = "8135") -> None:
        self.reports[number] = data if data is not None else report(number)
        self.stores[number] = store

    def tool(
        self, name: str, body: bytes, *, status: int = 200, ctype: str = "application/pdf",
        delay: float = 0.0,
    ) -> str:  # fmt: skip
        self.tools[name] = (status, ctype, body, delay)
        return self.tool_url(name)

    def fail(self, endpoint: str, *faults: Fault) -> None:
        self.faults[endpoint].extend(faults)

    def expire_sessions(self) -> None:
        self.tokens.clear()

    # --- the handler ----------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if self.latency:
            time.sleep(self.latency)
        if request.path.startswith("/tools/"):
            return self._tool(request.path.removeprefix("/tools/"))
        endpoint = ENDPOINTS.get(request.path)
        if endpoint is None:
            return Response("not found", status=404)
        if request.is_json:
            body = request.get_json(silent=True) or {}
            with self._lock:
                self.bodies.append(body)
        with self._lock:
            self.calls[endpoint] += 1
            fault = self.faults[endpoint].popleft() if self.faults[endpoint] else None
        if fault is not None:
            time.sleep(fault.delay)
            if fault.expire:
                self.expire_sessions()
            else:
                return Response(fault.body, status=fault.status, headers=fault.headers)
        return getattr(self, f"_{endpoint}")(request)

    def _tool(self, name: str) -> Response:
        if name not in self.tools:
            return Response("no such tool", status=404)
        status, ctype, body, delay = self.tools[name]
        time.sleep(delay)
        return Response(body, status=status, content_type=ctype)

    def _json(self, data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")

    def _login(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("username") != USERNAME or body.get("password") != PASSWORD:
            return self._json({"error": "bad credentials"}, 401)
        cookie = secrets.token_hex(8)
        response = self._json({"mfaRequired": True})
        response.set_cookie("SSOSESSION", cookie, path="/")
        return response

    def _send_code(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        cookie = request.cookies.get("SSOSESSION", "")
        if not cookie or body.get("credid") != CREDENTIAL_ID or body.get("type") != "SMS_OTP":
            return self._json({"error": "bad request"}, 400)
        code = f"{secrets.randbelow(10**6):06d}"
        with self._lock:
            self.pending[cookie] = code
            self.codes.append(code)
        return self._json({"sent": True})

    def _validate_code(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        cookie = request.cookies.get("SSOSESSION", "")
        if cookie not in self.pending or body.get("code") != self.pending[cookie]:
            return self._json({"error": "wrong code"}, 401)
        with self._lock:
            del self.pending[cookie]
            self.validated.add(cookie)
        return self._json({"ok": True})

    def _authenticate(self, request: Request) -> Response:
        cookie = request.cookies.get("SSOSESSION", "")
        if cookie not in self.validated:
            return self._json({"error": "not signed in"}, 401)
        token = secrets.token_urlsafe(16)
        with self._lock:
            self.tokens[token] = cookie
        response = self._json({"ok": True})
        value = urllib.parse.quote(json.dumps({"token": token, "user": USERNAME}))
        response.set_cookie("auth-token", value, path="/", max_age=self.token_max_age)
        return response

    def _signed_in(self, request: Request) -> str | None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip()
        if token and token in self.tokens:
            with self._lock:
                self.bearers.append(token)
            return token
        return None

    def _expired(self) -> Response:
        if self.expiry == "redirect":
            return Response("", status=302, headers={"Location": "/login?expired=1"})
        return self._json({"error": "expired"}, 401)

    def _browse(self, request: Request) -> Response:
        if self._signed_in(request) is None:
            return self._expired()
        body = request.get_json(silent=True) or {}
        store = str(body.get("storeNbr"))
        rows = []
        for number, data in self.reports.items():
            if self.stores.get(number) != store:
                continue
            for it in data.get("itemDetails") or [{}]:
                rows.append({"eventId": int(number), "itemNbr": it.get("itemNbr")})
        rows.extend({"eventId": int(number), "itemNbr": None} for number in self.listed)
        return self._json(rows)

    def _report(self, request: Request) -> Response:
        if self._signed_in(request) is None:
            return self._expired()
        number = request.args.get("id", "")
        if number not in self.reports:
            return self._json({"error": "unknown event"}, 404)
        return self._json(self.reports[number])
