"""Session and account gaps (ASVS V6/V7): throttled password re-checks, re-authentication
to end a session, tokens ended with the password, lockout per username + IP, and a
limit on concurrent sessions."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken

from sessions_ext.models import UserSession
from tests.sessions_ext.factories import PASSWORD, UserFactory
from tests.sessions_ext.test_sessions import UA_IPHONE, browser, cookie, is_signed_in, sign_in

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def user() -> User:
    return UserFactory.create()


def _revoke_others(client: Client, password: str) -> Any:
    return client.post("/api/v1/sessions/revoke-others/", {"password": password}, content_type=JSON)


def _change_password(client: Client, old: str, new: str = "a-new-long-passphrase-7") -> Any:
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def _revoke_one_api(client: Client, public_id: Any, password: str | None) -> Any:
    body = {} if password is None else {"password": password}
    return client.delete(f"/api/v1/sessions/{public_id}/", body, content_type=JSON)


# --- Password re-checks count with the sign-in failures ----------------------------------


def test_wrong_passwords_to_revoke_others_are_throttled(user: User) -> None:
    """Were ten 400s: the re-check was not counted."""
    laptop, phone = browser(), browser(UA_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    statuses = [_revoke_others(laptop, "wrong").status_code for _ in range(10)]
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429] * (
        11 - settings.AXES_FAILURE_LIMIT
    )
    locked = _revoke_others(laptop, PASSWORD)  # even the right one, while locked out
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert locked.json()["code"] == "too_many_login_attempts"
    assert UserSession.objects.filter(user=user).count() == 2
    assert is_signed_in(phone)


def test_wrong_old_passwords_on_the_password_page_are_throttled(user: User) -> None:
    """Were eight 200s with the form error: the old password was checked without a count."""
    client = browser()
    sign_in(client, user)
    statuses = [_change_password(client, "wrong").status_code for _ in range(8)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429] * (
        9 - settings.AXES_FAILURE_LIMIT
    )
    locked = _change_password(client, PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_re_checks_and_sign_ins_share_one_counter(user: User) -> None:
    client = browser()
    sign_in(client, user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        assert sign_in(browser(), user, "wrong").status_code == 200
    assert _revoke_others(client, "wrong").status_code == 400
    assert _revoke_others(client, "wrong").status_code == 429
    assert sign_in(browser(), user).status_code == 429


# --- Ending one session asks for the password again --------------------------------------


def test_ending_one_session_over_the_api_needs_the_password(user: User) -> None:
    """Was a DELETE without any re-authentication (ASVS 7.5.2)."""
    laptop, phone = browser(), browser(UA_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    phone_id = UserSession.objects.get(session_key=cookie(phone)).public_id

    missing = _revoke_one_api(laptop, phone_id, None)
    assert missing.status_code == 400
    assert [(e["attr"], e["code"]) for e in missing.json()["errors"]] == [("password", "required")]
    wrong = _revoke_one_api(laptop, phone_id, "wrong")
    assert wrong.status_code == 400
    assert [(e["attr"], e["code"]) for e in wrong.json()["errors"]] == [
        ("password", "wrong_password")
    ]
    assert is_signed_in(phone)

    assert _revoke_one_api(laptop, phone_id, PASSWORD).status_code == 204
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_ending_one_session_on_the_page_needs_the_password(user: User) -> None:
    laptop, phone = browser(), browser(UA_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    phone_id = UserSession.objects.get(session_key=cookie(phone)).public_id
    url = f"/accounts/sessions/{phone_id}/revoke/"

    missing = laptop.post(url)
    assert missing.status_code == 400
    assert "Enter your password to sign out that session." in missing.content.decode()
    wrong = laptop.post(url, {"password": "wrong"})
    assert wrong.status_code == 400
    assert "The password is not correct." in wrong.content.decode()
    assert is_signed_in(phone)

    assert laptop.post(url, {"password": PASSWORD}).status_code == 302
    assert not is_signed_in(phone)


def test_the_sessions_page_asks_for_the_password_on_each_sign_out_button(user: User) -> None:
    laptop, phone = browser(), browser(UA_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    page = laptop.get("/accounts/sessions/").content.decode()
    assert 'for="revoke-password-1"' in page or 'for="revoke-password-2"' in page
    assert "your password is asked for again" in page


# --- A password change ends the API tokens -----------------------------------------------


def test_a_password_change_ends_the_users_api_tokens(user: User) -> None:
    """The tokens outlived the password they were made under."""
    _, token = AuthToken.objects.create(user=user)
    other_user_token = AuthToken.objects.create(user=UserFactory.create())[1]
    client = browser()
    sign_in(client, user)
    page = client.get("/accounts/password/").content.decode()
    assert "ends your API tokens" in page

    response = _change_password(client, PASSWORD)

    assert response.status_code == 302
    followed = client.get(response["Location"]).content.decode()
    assert "your API tokens no longer work" in followed
    assert not AuthToken.objects.filter(user=user).exists()
    script = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert script.get("/api/v1/auth/me/").status_code == 401
    other = Client(HTTP_AUTHORIZATION=f"Token {other_user_token}")
    assert other.get("/api/v1/auth/me/").status_code == 200
    assert is_signed_in(client)


def test_a_password_set_in_the_admin_ends_the_tokens_too(user: User) -> None:
    AuthToken.objects.create(user=user)
    user.set_password("another-long-passphrase-3")
    user.save()
    assert not AuthToken.objects.filter(user=user).exists()


# --- Lockout keyed on username + IP, with a ceiling per username -------------------------


def test_failures_from_elsewhere_do_not_lock_the_store_out(user: User) -> None:
    """Five anonymous requests locked any known username from every IP for 15 minutes."""
    attacker = browser(ip="198.51.100.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, user, "wrong")
    assert sign_in(attacker, user).status_code == 429
    store = browser(ip="203.0.113.7")
    assert sign_in(store, user).status_code == 302


def test_a_username_is_locked_from_every_ip_past_the_ceiling(
    user: User, settings: pytest.FixtureRequest
) -> None:
    settings.LOGIN_FAILURE_CEILING = 12  # type: ignore[attr-defined]
    for n in range(12):
        # Three addresses, four failures each: each under the limit of five per address.
        attempt = sign_in(browser(ip=f"198.51.100.{n % 3 + 1}"), user, "wrong")
        assert attempt.status_code == (429 if n == 11 else 200)
    assert sign_in(browser(ip="203.0.113.7"), user).status_code == 429


def test_below_the_ceiling_other_addresses_still_sign_in(
    user: User, settings: pytest.FixtureRequest
) -> None:
    settings.LOGIN_FAILURE_CEILING = 12  # type: ignore[attr-defined]
    for n in range(11):
        sign_in(browser(ip=f"198.51.100.{n % 3 + 1}"), user, "wrong")
    assert sign_in(browser(ip="203.0.113.7"), user).status_code == 302


# --- Concurrent sessions per user --------------------------------------------------------


def test_signing_in_past_the_limit_ends_the_oldest_session(
    user: User, settings: pytest.FixtureRequest
) -> None:
    settings.SESSION_MAX_PER_USER = 3  # type: ignore[attr-defined]
    clients = [browser(ip=f"192.0.2.{n}") for n in range(1, 5)]
    for client in clients:
        assert sign_in(client, user).status_code == 302
    assert UserSession.objects.filter(user=user).count() == 3
    assert [is_signed_in(c) for c in clients] == [False, True, True, True]


def test_the_default_limit_is_ten_sessions(user: User) -> None:
    assert settings.SESSION_MAX_PER_USER == 10
    clients = [browser() for _ in range(11)]
    for client in clients:
        sign_in(client, user)
    assert UserSession.objects.filter(user=user).count() == 10
    assert not is_signed_in(clients[0])
    assert is_signed_in(clients[-1])
