"""Database sessions: rotation, timeouts, revocation, lockout and cleanup (ASVS V7)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_ext.backend import SessionStore
from sessions_ext.models import USER_AGENT_MAX_LENGTH, UserSession
from tests.sessions_ext.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

UA_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
UA_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
START = dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC)


def cookie(client: Client) -> str | None:
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel and morsel.value else None


def sign_in(client: Client, user: User, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": user.username, "password": password})


def is_signed_in(client: Client) -> bool:
    return client.get("/api/v1/auth/me/").status_code == 200


def browser(ua: str = UA_FIREFOX, ip: str = "203.0.113.7") -> Client:
    return Client(HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)


@pytest.fixture
def user() -> User:
    return UserFactory.create()


def test_sign_in_creates_a_row_with_who_and_where(user: User) -> None:
    client = browser()
    response = sign_in(client, user)
    assert response.status_code == 302
    row = UserSession.objects.get()
    assert row.session_key == cookie(client)
    assert row.user == user
    assert row.ip_address == "203.0.113.7"
    assert row.user_agent == UA_FIREFOX
    assert row.expire_date > timezone.now()


def test_sign_in_rotates_the_key_even_for_the_same_user(user: User) -> None:
    client = browser()
    client.get("/accounts/login/")
    sign_in(client, user)
    first = cookie(client)
    sign_in(client, user)
    second = cookie(client)
    assert first and second and first != second
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [second]


def test_an_anonymous_session_key_is_not_kept_at_sign_in(user: User) -> None:
    client = browser()
    session = client.session  # an anonymous session planted before sign-in (fixation)
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted or ""
    sign_in(client, user)
    assert cookie(client) != planted
    assert not UserSession.objects.filter(session_key=planted).exists()


def test_api_sign_in_rotates_and_sign_out_deletes_the_row(user: User) -> None:
    client = browser()
    response = client.post(
        "/api/v1/auth/login/",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    key = cookie(client)
    assert UserSession.objects.filter(session_key=key, user=user).exists()
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert not UserSession.objects.filter(session_key=key).exists()


def test_api_sign_in_with_wrong_password_is_a_problem(user: User) -> None:
    response = browser().post(
        "/api/v1/auth/login/",
        {"username": user.username, "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_credentials"
    assert UserSession.objects.count() == 0


def test_api_sign_in_refuses_form_posts(user: User) -> None:
    """JSON only: a cross-site HTML form cannot sign a victim's browser in."""
    response = browser().post(
        "/api/v1/auth/login/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 415
    assert UserSession.objects.count() == 0


def test_old_key_replayed_after_sign_out_is_anonymous(user: User) -> None:
    client = browser()
    sign_in(client, user)
    old = cookie(client)
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(session_key=old).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old or ""
    assert not is_signed_in(replay)


def test_idle_timeout(user: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = browser()
        sign_in(client, user)
        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert is_signed_in(client)  # activity refreshes the idle clock
        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert is_signed_in(client)
        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        key = cookie(client)
        assert not is_signed_in(client)
        # The row is expired (cleanup removes it) or already gone; never usable again.
        assert not UserSession.objects.live().filter(session_key=key).exists()


def test_idle_timeout_is_enforced_by_the_server_not_only_by_the_row_expiry(
    user: User, settings: Any
) -> None:
    """Even if a row's expiry were later (a longer cookie age), idleness signs out."""
    with time_machine.travel(START, tick=False) as clock:
        client = browser()
        sign_in(client, user)
        UserSession.objects.update(expire_date=START + dt.timedelta(days=1))
        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        key = cookie(client)
        assert not is_signed_in(client)
        assert not UserSession.objects.filter(session_key=key).exists()


def test_absolute_timeout_however_active(user: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = browser()
        sign_in(client, user)
        elapsed = 0
        step = settings.SESSION_IDLE_TIMEOUT // 2
        while elapsed + step < settings.SESSION_ABSOLUTE_TIMEOUT:
            clock.shift(dt.timedelta(seconds=step))
            elapsed += step
            assert is_signed_in(client), elapsed
        clock.shift(dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT - elapsed + 1))
        assert not is_signed_in(client)


def test_the_row_never_outlives_the_absolute_timeout(user: User) -> None:
    limit = START + dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    with time_machine.travel(START, tick=False) as clock:
        client = browser()
        sign_in(client, user)
        step = dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT // 2)
        while timezone.now() + step < limit - dt.timedelta(minutes=2):
            clock.shift(step)
            assert is_signed_in(client)
        clock.move_to(limit - dt.timedelta(minutes=2))
        assert is_signed_in(client)  # refreshes the expiry, which stops at the limit
        assert UserSession.objects.get().expire_date == limit


def test_last_activity_is_written_at_most_once_per_interval(user: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = browser()
        sign_in(client, user)
        row = UserSession.objects.get()
        created, first_seen = row.created_at, row.last_activity
        clock.shift(dt.timedelta(seconds=settings.SESSION_ACTIVITY_INTERVAL - 1))
        with CaptureQueriesContext(connection) as fresh:
            assert is_signed_in(client)
        assert not [q for q in fresh if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
        assert UserSession.objects.get().last_activity == first_seen
        clock.shift(dt.timedelta(seconds=2))
        assert is_signed_in(client)
        row = UserSession.objects.get()
        assert row.last_activity == START + dt.timedelta(
            seconds=settings.SESSION_ACTIVITY_INTERVAL + 1
        )
        assert row.created_at == created  # preserved across saves


def test_an_authenticated_request_costs_two_queries(
    user: User, django_assert_num_queries: Any
) -> None:
    """Session row + user row; nothing written while last-activity is fresh."""
    client = browser()
    sign_in(client, user)
    with django_assert_num_queries(2):
        assert client.get("/api/v1/auth/me/").status_code == 200


def test_password_change_ends_every_other_session(user: User) -> None:
    laptop, phone = browser(), browser(UA_IPHONE, "198.51.100.4")
    sign_in(laptop, user)
    sign_in(phone, user)
    response = laptop.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-pass-42",
            "new_password2": "another-long-pass-42",
        },
    )
    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert UserSession.objects.filter(user=user).count() == 1


def test_deactivating_a_user_ends_all_their_sessions(user: User) -> None:
    other = UserFactory.create()
    laptop, phone, bystander = browser(), browser(UA_IPHONE), browser()
    sign_in(laptop, user)
    sign_in(phone, user)
    sign_in(bystander, other)
    user.is_active = False
    user.save()
    assert UserSession.objects.filter(user=user).count() == 0
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert is_signed_in(bystander)


def test_session_list_shows_exactly_the_users_live_sessions(user: User) -> None:
    laptop, phone, stranger = browser(), browser(UA_IPHONE, "198.51.100.4"), browser()
    sign_in(laptop, user)
    sign_in(phone, user)
    sign_in(stranger, UserFactory.create())
    UserSession.objects.create(
        session_key="x" * 32,
        session_data="",
        user=user,
        expire_date=timezone.now() - dt.timedelta(minutes=1),
    )
    rows = laptop.get("/api/v1/sessions/").json()
    assert sorted((r["ip_address"], r["device"], r["current"]) for r in rows) == [
        ("198.51.100.4", "Safari on iPhone", False),
        ("203.0.113.7", "Firefox on Windows", True),
    ]
    assert {r["user_agent"] for r in rows} == {UA_FIREFOX, UA_IPHONE}
    key = cookie(laptop) or "no-cookie"
    assert all("session_key" not in r and key not in str(r) for r in rows)
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Safari on iPhone" in page and "198.51.100.4" in page and "This session" in page


def test_revoke_one_session_over_the_api(user: User) -> None:
    laptop, phone = browser(), browser(UA_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    phone_id = UserSession.objects.get(session_key=cookie(phone)).public_id
    response = laptop.delete(
        f"/api/v1/sessions/{phone_id}/", {"password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 204
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_revoke_others_needs_the_password_then_ends_them(user: User) -> None:
    laptop, phone, tablet = browser(), browser(UA_IPHONE), browser()
    for client in (laptop, phone, tablet):
        sign_in(client, user)
    wrong = laptop.post(
        "/api/v1/sessions/revoke-others/", {"password": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["attr"] == "password"
    assert UserSession.objects.filter(user=user).count() == 3
    right = laptop.post(
        "/api/v1/sessions/revoke-others/", {"password": PASSWORD}, content_type="application/json"
    )
    assert right.json() == {"revoked": 2}
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert not is_signed_in(tablet)


def test_revoke_others_from_the_page(user: User) -> None:
    laptop, phone = browser(), browser(UA_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    bad = laptop.post("/accounts/sessions/revoke-others/", {"password": "nope"})
    assert bad.status_code == 400
    assert "The password is not correct." in bad.content.decode()
    good = laptop.post("/accounts/sessions/revoke-others/", {"password": PASSWORD}, follow=True)
    assert "Signed out 1 other session." in good.content.decode()
    assert not is_signed_in(phone)


def test_revoke_one_from_the_page(user: User) -> None:
    laptop, phone = browser(), browser(UA_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    phone_id = UserSession.objects.get(session_key=cookie(phone)).public_id
    response = laptop.post(f"/accounts/sessions/{phone_id}/revoke/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not is_signed_in(phone)


def test_non_owners_cannot_see_or_revoke_a_session(user: User) -> None:
    victim, attacker = browser(), browser()
    sign_in(victim, user)
    sign_in(attacker, UserFactory.create())
    victim_id = UserSession.objects.get(session_key=cookie(victim)).public_id
    listed = attacker.get("/api/v1/sessions/").json()
    assert str(victim_id) not in {r["id"] for r in listed}
    api = attacker.delete(
        f"/api/v1/sessions/{victim_id}/", {"password": PASSWORD}, content_type="application/json"
    )
    assert api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"
    page = attacker.post(f"/accounts/sessions/{victim_id}/revoke/", {"password": PASSWORD})
    assert page.status_code == 404
    assert UserSession.objects.filter(public_id=victim_id).exists()
    assert is_signed_in(victim)


def test_anonymous_gets_401_from_the_sessions_api_and_a_redirect_from_the_page() -> None:
    assert Client().get("/api/v1/sessions/").status_code == 401
    response = Client().get("/accounts/sessions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_revoke_anyones_session_in_the_admin(user: User) -> None:
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    admin_client, victim = browser(), browser()
    sign_in(admin_client, staff)
    sign_in(victim, user)
    row = UserSession.objects.get(user=user)
    changelist = admin_client.get("/admin/sessions_ext/usersession/?state=active")
    assert changelist.status_code == 200
    assert user.username in changelist.content.decode()
    response = admin_client.post(
        "/admin/sessions_ext/usersession/",
        {"action": "revoke", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    assert not is_signed_in(victim)
    assert is_signed_in(admin_client)


def test_the_admin_cannot_add_or_edit_sessions(user: User) -> None:
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client = browser()
    sign_in(client, staff)
    assert client.get("/admin/sessions_ext/usersession/add/").status_code == 403


@pytest.mark.parametrize("surface", ["page", "api"])
def test_brute_force_lockout_then_recovery(user: User, surface: str) -> None:
    def attempt(client: Client, password: str) -> Any:
        if surface == "page":
            return sign_in(client, user, password)
        return client.post(
            "/api/v1/auth/login/",
            {"username": user.username, "password": password},
            content_type="application/json",
        )

    with time_machine.travel(START, tick=False) as clock:
        client = browser()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert attempt(client, "wrong").status_code in (200, 400)
        locked = attempt(client, "wrong")
        assert locked.status_code == 429
        assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
        # Even the right password is refused from that IP while it is locked out ...
        assert attempt(client, PASSWORD).status_code == 429
        assert UserSession.objects.filter(user=user).count() == 0
        # ... but not from another one: the lockout is keyed on username + IP.
        elsewhere = browser(ip="192.0.2.99")
        assert attempt(elsewhere, PASSWORD).status_code in (200, 302)
        assert is_signed_in(elsewhere)
        clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        assert attempt(client, PASSWORD).status_code in (200, 302)
        assert is_signed_in(client)


def test_lockout_by_ip_across_usernames() -> None:
    client = browser(ip="192.0.2.50")
    for n in range(settings.LOGIN_FAILURE_CEILING):
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "x"})
    real = UserFactory.create()
    assert sign_in(client, real).status_code == 429
    assert sign_in(browser(ip="192.0.2.51"), real).status_code == 302


def test_lockout_api_answer_is_a_problem(user: User) -> None:
    client = browser()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/api/v1/auth/login/",
            {"username": user.username, "password": "wrong"},
            content_type="application/json",
        )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "too_many_login_attempts"


def _expired(n: int, prefix: str = "e") -> None:
    past = timezone.now() - dt.timedelta(hours=1)
    UserSession.objects.bulk_create(
        UserSession(session_key=f"{prefix}{i:031d}", session_data="", expire_date=past)
        for i in range(n)
    )


def test_cleanup_counts_and_deletes_only_expired_in_batches(user: User) -> None:
    client = browser()
    sign_in(client, user)
    _expired(25)
    out = StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("cleanup_sessions", "--batch-size", "10", stdout=out)
    assert out.getvalue().strip() == "Deleted 25 expired sessions."
    deletes = [
        q
        for q in queries
        if q["sql"].lstrip().upper().startswith("DELETE") and "usersession" in q["sql"]
    ]
    assert len(deletes) == 3  # 10 + 10 + 5
    assert UserSession.objects.count() == 1
    assert is_signed_in(client)


def test_cleanup_dry_run_deletes_nothing() -> None:
    _expired(7)
    out = StringIO()
    call_command("cleanup_sessions", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "7 expired sessions would be deleted (dry run)."
    assert UserSession.objects.count() == 7


def test_cleanup_rejects_a_bad_batch_size() -> None:
    from django.core.management.base import CommandError

    _expired(2)
    with pytest.raises(CommandError, match="at least 1"):
        call_command("cleanup_sessions", "--batch-size", "0")
    assert UserSession.objects.count() == 2


def test_djangos_clearsessions_keeps_working(user: User) -> None:
    client = browser()
    sign_in(client, user)
    _expired(3)
    call_command("clearsessions")
    assert UserSession.objects.count() == 1


def test_user_agent_is_cut_and_cleaned(user: User) -> None:
    client = browser(ua="Evil\x00Agent\n" + "A" * 2000)
    sign_in(client, user)
    row = UserSession.objects.get()
    assert len(row.user_agent) == USER_AGENT_MAX_LENGTH
    assert row.user_agent.startswith("EvilAgentAAA")


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "10.9.9.9", "203.0.113.7"),  # header ignored unless proxies are trusted
        (1, "198.51.100.1, 10.0.0.2", "10.0.0.2"),
        (2, "198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "not-an-ip", "203.0.113.7"),
        (3, "198.51.100.1", "203.0.113.7"),  # fewer hops than proxies: not believed
    ],
)
def test_client_ip_trusts_x_forwarded_for_only_as_configured(
    user: User, settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    client = Client(HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="203.0.113.7")
    sign_in(client, user)
    assert UserSession.objects.get().ip_address == expected


def test_async_save_fills_the_columns_too(user: User) -> None:
    store = SessionStore()
    store.client_ip = "192.0.2.10"
    store.client_user_agent = UA_FIREFOX
    store["_auth_user_id"] = str(user.pk)
    async_to_sync(store.asave)()
    row = UserSession.objects.get(session_key=store.session_key)
    assert (row.user, row.ip_address, row.user_agent) == (user, "192.0.2.10", UA_FIREFOX)
    created = row.created_at
    store["more"] = 1
    async_to_sync(store.asave)()
    assert UserSession.objects.get(session_key=store.session_key).created_at == created


@pytest.mark.parametrize("url", ["/api/v1/sessions/", "/accounts/sessions/"])
def test_session_lists_run_a_constant_number_of_queries(
    user: User, url: str, django_assert_num_queries: Any
) -> None:
    client = browser()
    sign_in(client, user)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    count = len(one)  # read now: later requests reset Django's query log
    for _ in range(9):
        sign_in(browser(UA_IPHONE), user)
    assert UserSession.objects.filter(user=user).count() == 10
    with django_assert_num_queries(count):
        response = client.get(url)
    assert response.status_code == 200
    # session + user + the list: nothing per row; the page also checks, once, whether to
    # show the navigation's manager links (the user's and the groups' permissions).
    assert count == (3 if url.startswith("/api/") else 5)


def test_api_tokens_expire_and_cleanup_deletes_them(reader_user: User) -> None:
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    _, live = AuthToken.objects.create(user=reader_user, expiry=dt.timedelta(days=1))
    _, old = AuthToken.objects.create(user=reader_user, expiry=dt.timedelta(days=1))
    AuthToken.objects.filter(token_key=old[:15]).update(
        expiry=timezone.now() - dt.timedelta(seconds=1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {live}")
    assert client.get("/api/v1/auth/me/").status_code == 200
    # Checking one token leaves the user's other tokens alone ...
    assert AuthToken.objects.filter(user=reader_user).count() == 2
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/auth/me/").status_code == 401
    # ... an expired one is refused (and dropped); cleanup sweeps the rest.
    assert AuthToken.objects.filter(user=reader_user).count() == 1
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    out = StringIO()
    call_command("cleanup_sessions", stdout=out)
    assert "Deleted 1 expired API token." in out.getvalue()
    assert AuthToken.objects.count() == 0
