"""The planning-system client against a fake planning system on loopback (no mocks)."""

import datetime as dt
import logging

import pytest

from core.exceptions import ExternalAPIError
from planning.client import Credentials, PlanningClient, RetryPolicy, parse_retry_after
from tests.planning.fake_planning import PASSWORD, USERNAME, FakePlanningSystem, Fault, mplan

DAY = dt.date(2026, 12, 14)


def _one_plan(fake: FakePlanningSystem) -> None:
    fake.add(mplan(9100001, "606001-CORE-Pretzel", DAY, DAY + dt.timedelta(days=5)))


def test_login_then_fetch_sends_the_spec_login_body(fake, planning_client):
    _one_plan(fake)

    plans = planning_client.get_mplans(start=DAY, end=DAY + dt.timedelta(days=6))

    assert [p["mPlanID"] for p in plans] == [9100001]
    assert fake.logins == 1
    (body,) = fake.login_bodies
    assert set(body) == {"UserType", "UserID", "Password", "Timezone"}
    assert body["Timezone"] == "America/Indiana/Indianapolis"


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_get_is_retried_with_backoff_then_succeeds(fake, planning_client, sleeps, status):
    _one_plan(fake)
    planning_client.login()
    fake.fail("mplans", Fault(status=status), Fault(status=status))

    plans = planning_client.get_mplans(start=DAY, end=DAY)

    assert len(plans) == 1
    assert fake.calls["mplans"] == 3
    assert len(sleeps) == 2
    # Full jitter: attempt n waits within [0, base * 2**n].
    assert 0 <= sleeps[0] <= 0.01 and 0 <= sleeps[1] <= 0.02


def test_retry_after_is_honoured(fake, planning_client, sleeps):
    _one_plan(fake)
    planning_client.login()
    fake.fail("mplans", Fault(status=503, headers={"Retry-After": "7"}))

    planning_client.get_mplans(start=DAY, end=DAY)

    assert sleeps == [7.0]


def test_get_timeouts_are_retried(fake, planning_client, sleeps):
    _one_plan(fake)
    planning_client.login()
    fake.fail("mplans", Fault(status=200, delay=0.8), Fault(status=200, delay=0.8))

    plans = planning_client.get_mplans(start=DAY, end=DAY)

    assert len(plans) == 1
    assert len(sleeps) == 2


def test_get_gives_up_after_the_last_attempt(fake, planning_client, sleeps):
    planning_client.login()
    fake.fail("mplans", *[Fault(status=500)] * 4)

    with pytest.raises(ExternalAPIError) as raised:
        planning_client.get_mplans(start=DAY, end=DAY)

    assert raised.value.status == 502
    assert fake.calls["mplans"] == 4
    assert len(sleeps) == 3


def test_unreachable_server_is_an_external_api_error(sleeps):
    client = PlanningClient(
        Credentials(base_url="http://127.0.0.1:9", username=USERNAME, password=PASSWORD),
        timeout=0.5,
        retry=RetryPolicy(attempts=3, base=0.01, sleep=sleeps.append),
    )

    with pytest.raises(ExternalAPIError):
        client.get_mplans(start=DAY, end=DAY)

    assert len(sleeps) == 2  # connection refused: retried, then given up


@pytest.mark.parametrize("body", ["<html>Service temporarily down</html>", '{"no": "mplans"}'])
def test_garbage_json_is_an_external_api_error(fake, planning_client, body):
    planning_client.login()
    fake.fail("mplans", Fault(status=200, body=body))

    with pytest.raises(ExternalAPIError):
        planning_client.get_mplans(start=DAY, end=DAY)


@pytest.mark.parametrize("expiry", ["redirect", "401"])
def test_session_expiry_leads_to_one_relogin(fake, planning_client, expiry):
    fake.expiry = expiry
    _one_plan(fake)
    planning_client.get_mplans(start=DAY, end=DAY)
    fake.expire_sessions()

    plans = planning_client.get_mplans(start=DAY, end=DAY)

    assert len(plans) == 1
    assert fake.logins == 2
    assert fake.calls["mplans"] == 3


def test_session_expired_again_after_relogin_is_an_error(fake, planning_client):
    planning_client.login()
    fake.fail("mplans", Fault(status=401), Fault(status=401))

    with pytest.raises(ExternalAPIError):
        planning_client.get_mplans(start=DAY, end=DAY)

    assert fake.logins == 2  # one re-login, not a loop


def test_wrong_password_is_refused(fake, sleeps):
    client = PlanningClient(
        Credentials(base_url=fake.base_url, username=USERNAME, password="wrong"),
        retry=RetryPolicy(attempts=3, base=0.01, sleep=sleeps.append),
    )

    with pytest.raises(ExternalAPIError):
        client.get_mplans(start=DAY, end=DAY)

    assert fake.calls["login"] == 1  # a refused login is not retried
    assert fake.calls["mplans"] == 0


def test_schedule_post_returns_the_new_id(fake, planning_client):
    _one_plan(fake)
    start = dt.datetime(2026, 12, 15, 10, 45, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

    schedule_id = planning_client.schedule(
        rep_id=500001,
        mplan_id=9100001,
        location_id="11584",
        start=start,
        end=start + dt.timedelta(minutes=390),
    )

    assert fake.scheduled[schedule_id] == {
        "ClassName": "MVScheduledmPlan",
        "RepID": "500001",
        "mPlanID": "9100001",
        "LocationID": "11584",
        "Start": "2026-12-15T10:45:00-05:00",
        "End": "2026-12-15T17:15:00-05:00",
    }


@pytest.mark.parametrize("status", [500, 502, 504])
def test_schedule_post_is_never_blindly_retried(fake, planning_client, sleeps, status):
    _one_plan(fake)
    planning_client.login()
    fake.fail("schedule", Fault(status=status))
    start = dt.datetime(2026, 12, 15, 16, 45, tzinfo=dt.UTC)

    with pytest.raises(ExternalAPIError):
        planning_client.schedule(rep_id=1, mplan_id=9100001, location_id="", start=start, end=start)

    assert fake.calls["schedule"] == 1
    assert sleeps == []


def test_post_500_is_not_retried(fake, planning_client, sleeps):
    planning_client.login()
    fake.fail("unschedule", Fault(status=500))

    with pytest.raises(ExternalAPIError):
        planning_client.unschedule(schedule_id="123")

    assert fake.calls["unschedule"] == 1
    assert sleeps == []


def test_post_timeout_is_not_retried(fake, planning_client, sleeps):
    planning_client.login()
    fake.fail("unschedule", Fault(status=200, delay=0.8))

    with pytest.raises(ExternalAPIError, match="may or may not"):
        planning_client.unschedule(schedule_id="123")

    assert fake.calls["unschedule"] == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [429, 503])
def test_post_refused_with_429_or_503_is_retried(fake, planning_client, sleeps, status):
    _one_plan(fake)
    planning_client.login()
    fake.fail("schedule", Fault(status=status, headers={"Retry-After": "1"}))
    start = dt.datetime(2026, 12, 15, 16, 45, tzinfo=dt.UTC)

    planning_client.schedule(rep_id=1, mplan_id=9100001, location_id="", start=start, end=start)

    assert fake.calls["schedule"] == 2
    assert len(fake.scheduled) == 1
    assert sleeps == [1.0]


def test_no_credentials_in_any_log(fake, planning_client, caplog):
    caplog.set_level(logging.DEBUG)
    _one_plan(fake)
    fake.fail("login", Fault(status=503))
    planning_client.get_mplans(start=DAY, end=DAY)
    fake.expire_sessions()
    fake.fail("mplans", Fault(status=500))
    planning_client.get_mplans(start=DAY, end=DAY)

    assert caplog.records  # the client did log (retries, re-login)
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(planning_client._credentials)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("5", 5.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(header, seconds):
    now = dt.datetime(2026, 10, 21, 7, 28, tzinfo=dt.UTC)
    assert parse_retry_after(header, now=now) == seconds


def test_retry_after_is_capped():
    assert RetryPolicy(cap=10).delay(0, retry_after=3600) == 10
