"""The portal client, per-user sign-in and the report cache against a fake portal on
loopback (README, EDR reports): right and wrong codes, 429 then success, 500, timeouts, an expired
token mid-batch, unknown events, reports with no items."""

import datetime as dt
import logging
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from core.exceptions import ExternalAPIError, InvalidInputError
from events.models import Event
from paperwork.crypto import unseal
from paperwork.models import EventReport, PortalSession, ReportStatus
from paperwork.portal import PortalCodeRefused, PortalSignInRequired
from paperwork.reports import parse_report, upc_body
from paperwork.services import (
    portal_session_end,
    portal_sign_in_start,
    portal_sign_in_verify,
    portal_state_of,
    reports_refresh,
)
from tests.events.factories import EventFactory
from tests.paperwork.fake_portal import PASSWORD, FakePortal, Fault, item, report

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 15)


def sign_in(user: User, portal: FakePortal, make_client) -> PortalSession:
    portal_sign_in_start(user=user, client_factory=make_client)
    return portal_sign_in_verify(user=user, code=portal.codes[-1], client_factory=make_client)


def core_events(*numbers: str, store: str = "8135") -> list[Event]:
    return [
        EventFactory.create(project_name=f"{n}-CORE-Demo {n}", store_number=store) for n in numbers
    ]


def test_sign_in_with_the_right_code_stores_an_encrypted_session(
    manager_user: User, portal: FakePortal, make_client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    portal_sign_in_start(user=manager_user, client_factory=make_client)
    pending = PortalSession.objects.get(user=manager_user)
    assert pending.state == PortalSession.State.AWAITING_CODE
    assert portal.calls["login"] == 1 and portal.calls["send_code"] == 1
    assert portal.bodies[0]["language"] == "en"

    code = portal.codes[-1]
    session = portal_sign_in_verify(user=manager_user, code=code, client_factory=make_client)

    assert session.state == PortalSession.State.ACTIVE and session.is_active
    token = next(iter(portal.tokens))
    assert token not in session.sealed and "auth-token" not in session.sealed
    assert unseal(session.sealed)["token"] == token
    # The portal's cookie said 8 hours.
    assert abs((session.expires_at - timezone.now()) - dt.timedelta(hours=8)) < dt.timedelta(
        minutes=1
    )
    logged = caplog.text
    assert PASSWORD not in logged and code not in logged and token not in logged


def test_a_wrong_code_is_refused_counted_and_the_right_one_still_works(
    manager_user: User, portal: FakePortal, make_client
) -> None:
    portal_sign_in_start(user=manager_user, client_factory=make_client)
    with pytest.raises(PortalCodeRefused) as refused:
        portal_sign_in_verify(
            user=manager_user,
            code="000000" if portal.codes[-1] != "000000" else "111111",
            client_factory=make_client,
        )
    assert refused.value.status == 400 and refused.value.code == "edr_code_refused"
    pending = PortalSession.objects.get(user=manager_user)
    assert pending.state == PortalSession.State.AWAITING_CODE and pending.failure_count == 1

    session = portal_sign_in_verify(
        user=manager_user, code=portal.codes[-1], client_factory=make_client
    )
    assert session.state == PortalSession.State.ACTIVE
    assert [b.get("failureCount") for b in portal.bodies if "code" in b] == [0, 1]


@pytest.mark.parametrize("code", ["", "12ab56", "1" * 11])
def test_a_malformed_code_is_refused_before_asking_the_portal(
    manager_user: User, portal: FakePortal, make_client, code: str
) -> None:
    portal_sign_in_start(user=manager_user, client_factory=make_client)
    with pytest.raises(InvalidInputError):
        portal_sign_in_verify(user=manager_user, code=code, client_factory=make_client)
    assert portal.calls["validate_code"] == 0


def test_a_code_without_a_sign_in_started_is_refused(
    manager_user: User, portal: FakePortal, make_client
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        portal_sign_in_verify(user=manager_user, code="123456", client_factory=make_client)
    assert refused.value.code == "edr_no_code_sent"
    assert not PortalSession.objects.exists()


def test_a_wrong_password_is_an_external_error_and_stores_nothing(
    manager_user: User, portal: FakePortal, make_client
) -> None:
    def wrong(state):
        client = make_client(state)
        object.__setattr__(client.config, "password", "not-it")
        return client

    with pytest.raises(ExternalAPIError) as failed:
        portal_sign_in_start(user=manager_user, client_factory=wrong)
    assert failed.value.status == 502
    assert not PortalSession.objects.exists()


def test_429_then_success_waits_as_told(
    manager_user: User, portal: FakePortal, make_client, sleeps: list[float]
) -> None:
    sign_in(manager_user, portal, make_client)
    portal.add("606001")
    portal.fail("report", Fault(status=429, headers={"Retry-After": "2"}))
    with make_client(portal_state_of(manager_user)) as client:
        data = client.report("606001")
    assert data is not None and data["demoId"] == 606001
    assert sleeps == [2.0]
    assert portal.calls["report"] == 2


def test_500_every_time_is_a_502_problem_after_the_retries(
    manager_user: User, portal: FakePortal, make_client, sleeps: list[float]
) -> None:
    sign_in(manager_user, portal, make_client)
    portal.fail("report", Fault(status=500), Fault(status=500), Fault(status=500))
    with (
        make_client(portal_state_of(manager_user)) as client,
        pytest.raises(ExternalAPIError) as failed,
    ):
        client.report("606001")
    assert failed.value.status == 502 and failed.value.code == "external_api_error"
    assert "HTTP 500" in failed.value.detail
    assert len(sleeps) == 2 and portal.calls["report"] == 3


def test_timeouts_are_retried_then_succeed(
    manager_user: User, portal: FakePortal, make_client, sleeps: list[float]
) -> None:
    sign_in(manager_user, portal, make_client)
    portal.add("606001")
    portal.fail("report", Fault(delay=0.8, status=200))
    with make_client(portal_state_of(manager_user)) as client:
        assert client.report("606001") is not None
    assert len(sleeps) == 1


def test_an_unknown_event_is_none(manager_user: User, portal: FakePortal, make_client) -> None:
    sign_in(manager_user, portal, make_client)
    with make_client(portal_state_of(manager_user)) as client:
        assert client.report("999999") is None


@pytest.mark.parametrize("expiry", ["401", "redirect"])
def test_an_expired_token_asks_for_a_new_sign_in(
    manager_user: User, portal: FakePortal, make_client, expiry: str
) -> None:
    portal.expiry = expiry
    sign_in(manager_user, portal, make_client)
    portal.expire_sessions()
    with (
        make_client(portal_state_of(manager_user)) as client,
        pytest.raises(PortalSignInRequired) as ended,
    ):
        client.report("606001")
    assert ended.value.code == "edr_sign_in_required"


def test_refresh_uses_one_browse_per_store_and_caches_every_report(
    manager_user: User, portal: FakePortal, make_client
) -> None:
    sign_in(manager_user, portal, make_client)
    for n in ("606001", "606002"):
        portal.add(n)
    portal.add("606003", report("606003", items=[]), store="4444")
    events = core_events("606001", "606002") + core_events("606003", "606004", store="4444")

    outcome = reports_refresh(
        user=manager_user, events=events, first=DAY, last=DAY, client_factory=make_client
    )

    assert sorted(outcome.fetched) == ["606001", "606002", "606003"]
    assert outcome.unknown == ["606004"]
    assert portal.calls["browse"] == 2 and portal.calls["report"] == 3
    rows = {r.event_number: r for r in EventReport.objects.all()}
    assert rows["606004"].status == ReportStatus.UNKNOWN and rows["606004"].report is None
    assert rows["606003"].report["itemDetails"] == []  # type: ignore[index]
    assert rows["606001"].fetched_by == manager_user
    browse = [b for b in portal.bodies if "storeNbr" in b]
    assert browse[0]["startDate"] == browse[0]["endDate"] == "2026-12-15"

    # Fresh reports are not asked again.
    again = reports_refresh(
        user=manager_user, events=events, first=DAY, last=DAY, client_factory=make_client
    )
    assert again.fetched == [] and portal.calls["report"] == 3


def test_a_report_the_browse_lists_but_the_portal_does_not_know_is_cached_as_unknown(
    manager_user: User, portal: FakePortal, make_client
) -> None:
    sign_in(manager_user, portal, make_client)
    portal.listed.add("606009")
    outcome = reports_refresh(
        user=manager_user, events=core_events("606009"), first=DAY, last=DAY,
        client_factory=make_client,
    )  # fmt: skip
    assert outcome.unknown == ["606009"] and portal.calls["report"] == 1
    assert EventReport.objects.get().status == ReportStatus.UNKNOWN


def test_a_token_expired_mid_batch_keeps_what_was_fetched_and_asks_for_a_new_code(
    manager_user: User, portal: FakePortal, make_client
) -> None:
    sign_in(manager_user, portal, make_client)
    numbers = [f"6060{i:02d}" for i in range(1, 7)]
    for n in numbers:
        portal.add(n)
    # Two reports come back, then the portal ends the session.
    calls = {"n": 0}
    real = portal.handle

    def expire_after_two(request):
        if request.path.endswith("edrReport"):
            calls["n"] += 1
            if calls["n"] == 3:
                portal.expire_sessions()
        return real(request)

    portal.server.clear()
    portal.server.expect_request(re.compile(r"^/.*")).respond_with_handler(expire_after_two)

    outcome = reports_refresh(
        user=manager_user, events=core_events(*numbers), first=DAY, last=DAY,
        client_factory=make_client, workers=1,
    )  # fmt: skip

    assert outcome.sign_in_required
    assert outcome.fetched == numbers[:2]
    assert outcome.skipped == numbers[2:]
    assert set(EventReport.objects.values_list("event_number", flat=True)) == set(numbers[:2])
    assert not PortalSession.objects.filter(user=manager_user).exists()
    with pytest.raises(PortalSignInRequired):
        portal_state_of(manager_user)


def test_refresh_without_a_portal_session_asks_nothing(
    manager_user: User, portal: FakePortal, make_client
) -> None:
    with pytest.raises(PortalSignInRequired):
        reports_refresh(
            user=manager_user, events=core_events("606001"), first=DAY, last=DAY,
            client_factory=make_client,
        )  # fmt: skip
    assert sum(portal.calls.values()) == 0


def test_two_managers_each_use_their_own_session(
    manager_user: User, portal: FakePortal, make_client
) -> None:
    other = User.objects.create_user("manager2", password="x-pass-123456")
    other.groups.set(manager_user.groups.all())
    sign_in(manager_user, portal, make_client)
    sign_in(other, portal, make_client)
    first_token, second_token = list(portal.tokens)
    portal.add("606001")
    portal.add("606002")

    reports_refresh(user=manager_user, events=core_events("606001"), first=DAY, last=DAY,
                    client_factory=make_client)  # fmt: skip
    reports_refresh(user=other, events=core_events("606002"), first=DAY, last=DAY,
                    client_factory=make_client)  # fmt: skip

    assert portal.bearers == [first_token, first_token, second_token, second_token]
    # Ending one manager's session leaves the other's alone.
    portal_session_end(user=manager_user)
    with pytest.raises(PortalSignInRequired):
        portal_state_of(manager_user)
    assert portal_state_of(other).token == second_token


@pytest.mark.parametrize(
    ("gtin", "body"),
    [
        ("3600029145", "00003600029145"[-11:]),  # short: left-padded to 11
        ("036000291452", "03600029145"),  # full UPC-A: the check digit is dropped
        ("00036000291452", "03600029145"),  # GTIN-14 with leading zeros
        ("1036000291452", ""),  # a real EAN-13: not a UPC-A
        (None, ""),
        ("", ""),
        ("0000", ""),
    ],
)
def test_upc_body(gtin: str | None, body: str) -> None:
    assert upc_body(gtin) == body


def test_parse_report_lists_each_item_once() -> None:
    data = report(
        "606001",
        items=[item("1", "3600029145"), item("1", "3600029145"), item("2", None, "No UPC")],
    )
    edr = parse_report("606001", data)
    assert [(i.number, i.upc) for i in edr.items] == [("1", "00003600029145"[-11:]), ("2", "")]
    assert edr.preparation == "Warm the pretzels for 4 minutes."
