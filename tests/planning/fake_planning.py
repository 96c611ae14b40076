"""A fake planning system (docs/planning-system.md) that really listens on loopback
(pytest-httpserver).

Endpoints: `POST /login/authenticate` (JSON credentials → a session cookie),
`GET /planningextcontroller/getPlanningMplans`, `POST …/scheduleMplanEvent`,
`POST …/deleteScheduledMplanEvent`, `POST /pendingworkextcontroller/createPendingWork/`
(a reissue; `refuse_reissue` makes it answer `success: false` with that message).
An unknown or expired session is answered like the cookie-session web app it imitates:
a 302 redirect to the login page (or a 401 with `expiry="401"`). Faults are queued per
endpoint: a status (with headers), a garbage body, or a slow answer (a timeout for a
client with a short timeout).

Also used by bench/sync_bench.py outside pytest.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

USERNAME = "sync-robot"
PASSWORD = "Pl4nning-Secret-Pa55word!"  # a test credential, asserted absent from logs

ENDPOINTS = {
    "/login/authenticate": "login",
    "/planningextcontroller/getPlanningMplans": "mplans",
    "/planningextcontroller/scheduleMplanEvent": "schedule",
    "/planningextcontroller/deleteScheduledMplanEvent": "unschedule",
    "/pendingworkextcontroller/createPendingWork/": "reissue",
}


@dataclass
class Fault:
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    delay: float = 0.0
    apply_after: bool = False  # do the real work, then answer with the fault (slow reply)
    expire: bool = False  # end every session first, then answer as usual
    passthrough: bool = False  # answer as usual (to let earlier calls through)
    gate: threading.Event | None = None  # passthrough, held until the test opens the gate


def mplan(
    ref: int | str,
    name: str,
    start: dt.date,
    end: dt.date,
    *,
    store: str = "8135",
    condition: str = "Unstaffed",
    rep_id: int | None = None,
    schedule_date: str = "",
    schedule_id: str = "",
    url: str = "",
) -> dict[str, Any]:
    """One `mplans` record as the planning system sends it."""
    return {
        "mPlanID": ref,
        "name": name,
        "storeID": store,
        "storeName": f"Club {store}",
        "startDate": f"{start:%m/%d/%Y}",
        "endDate": f"{end:%m/%d/%Y}",
        "condition": condition,
        "scheduleDate": schedule_date,
        "scheduleRepID": rep_id or "",
        "scheduleEventID": schedule_id,
        "staffedReps": "",
        "salesTools": [{"salesToolURL": url}] if url else [],
    }


class FakePlanningSystem:
    def __init__(self, server: HTTPServer, *, expiry: str = "redirect") -> None:
        self.server = server
        self.expiry = expiry
        self.plans: dict[Any, dict[str, Any]] = {}
        self.garbage: list[Any] = []  # raw records added to every answer
        self.sessions: set[str] = set()
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.calls: dict[str, int] = defaultdict(int)
        self.logins = 0
        self.scheduled: dict[str, dict[str, str]] = {}
        self.unscheduled: list[str] = []
        self.login_bodies: list[dict[str, Any]] = []
        self.reissues: list[dict[str, str]] = []
        self.refuse_reissue = ""  # a message: answer `success: false` with it
        self._ids = itertools.count(70001)
        self._lock = threading.Lock()
        self.held = threading.Event()  # a request is waiting at a gate
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    # --- set-up ---------------------------------------------------------------------

    def add(self, *records: dict[str, Any]) -> None:
        for record in records:
            self.plans[record["mPlanID"]] = record

    def fail(self, endpoint: str, *faults: Fault) -> None:
        self.faults[endpoint].extend(faults)

    def expire_sessions(self) -> None:
        self.sessions.clear()

    # --- the handler ----------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        endpoint = ENDPOINTS.get(request.path)
        if endpoint is None:
            return Response("not found", status=404)
        with self._lock:
            self.calls[endpoint] += 1
            fault = self.faults[endpoint].popleft() if self.faults[endpoint] else None
        if fault is not None and (fault.expire or fault.passthrough or fault.gate):
            if fault.expire:
                self.expire_sessions()
            if fault.gate is not None:
                self.held.set()
                fault.gate.wait(timeout=30)
            time.sleep(fault.delay)  # a passthrough may be slow
            fault = None
        if fault is not None and not fault.apply_after:
            if fault.delay:
                time.sleep(fault.delay)
            return Response(fault.body or "", status=fault.status, headers=fault.headers)
        response = getattr(self, f"_{endpoint}")(request)
        if fault is not None:  # apply_after: the work is done, the answer comes late
            time.sleep(fault.delay)
        return response

    def _signed_in(self, request: Request) -> bool:
        return request.cookies.get("PLANSESSID", "") in self.sessions

    def _expired(self) -> Response:
        if self.expiry == "401":
            return Response("session expired", status=401)
        return Response("", status=302, headers={"Location": "/login?expired=1"})

    def _login(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        self.login_bodies.append(body)
        if body.get("UserID") != USERNAME or body.get("Password") != PASSWORD:
            return Response(json.dumps({"success": False}), status=401)
        token = secrets.token_hex(8)
        with self._lock:
            self.sessions.add(token)
            self.logins += 1
        response = Response(json.dumps({"success": True}), content_type="application/json")
        response.set_cookie("PLANSESSID", token, httponly=True)
        return response

    def _mplans(self, request: Request) -> Response:
        if not self._signed_in(request):
            return self._expired()
        first = dt.date.fromisoformat(request.args["intervalStart"])
        last = dt.date.fromisoformat(request.args["intervalEnd"])
        found = [p for p in self.plans.values() if _overlaps(p, first, last)]
        return Response(
            json.dumps({"mplans": found + list(self.garbage)}), content_type="application/json"
        )

    def _schedule(self, request: Request) -> Response:
        if not self._signed_in(request):
            return self._expired()
        form = dict(request.form)
        new_id = str(next(self._ids))
        with self._lock:
            self.scheduled[new_id] = form
        for key, plan in self.plans.items():
            if str(key) == form.get("mPlanID"):
                plan["scheduleRepID"] = int(form["RepID"])
                plan["scheduleEventID"] = new_id
                plan["scheduleDate"] = form["Start"]
        return Response(
            json.dumps({"success": True, "id": new_id}), content_type="application/json"
        )

    def _unschedule(self, request: Request) -> Response:
        if not self._signed_in(request):
            return self._expired()
        schedule_id = request.form.get("id", "")
        with self._lock:
            if self.scheduled.pop(schedule_id, None) is None:
                return Response(json.dumps({"success": False}), status=404)
            self.unscheduled.append(schedule_id)
        return Response(json.dumps({"success": True}), content_type="application/json")

    def _reissue(self, request: Request) -> Response:
        if not self._signed_in(request):
            return self._expired()
        form = dict(request.form)
        if self.refuse_reissue:
            body = {"success": False, "message": self.refuse_reissue}
            return Response(json.dumps(body), content_type="application/json")
        with self._lock:
            self.reissues.append(form)
        for key, plan in self.plans.items():
            if str(key) == form.get("mPlanID"):
                plan["condition"] = "Reissued"
                plan["scheduleEventID"] = ""
                plan["scheduleRepID"] = ""
        return Response(json.dumps({"success": True}), content_type="application/json")


def _overlaps(plan: dict[str, Any], first: dt.date, last: dt.date) -> bool:
    try:
        start = dt.datetime.strptime(plan["startDate"], "%m/%d/%Y").date()  # noqa: DTZ007
        end = dt.datetime.strptime(plan["endDate"], "%m/%d/%Y").date()  # noqa: DTZ007
    except (KeyError, TypeError, ValueError):
        return True
    return start <= last and end >= first
