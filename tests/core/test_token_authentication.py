"""API token authentication reads the token, its user and the user's employee link in one
query compiled once (core.authentication.TokenRead): the same instances as the ORM's
select_related, and every refusal knox makes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient

from core.authentication import TokenAuthentication, token_read
from tests.employees.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"
SCHEDULES = "/api/v1/schedules/"


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _fields(instance: object) -> dict[str, object]:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields  # type: ignore[attr-defined]
    }


def test_the_instances_are_the_orms(reader_user: User) -> None:
    employee = EmployeeFactory.create(user=reader_user)
    instance, token = AuthToken.objects.create(user=reader_user, expiry=dt.timedelta(days=1))
    (read,) = token_read().tokens(token[:15])
    expected = AuthToken.objects.select_related("user", "user__employee").get(pk=instance.pk)
    assert _fields(read) == _fields(expected)
    assert _fields(read.user) == _fields(expected.user)
    with CaptureQueriesContext(connection) as captured:
        linked = read.user.employee
        assert linked.user is read.user
    assert len(captured) == 0
    assert _fields(linked) == _fields(employee)
    assert read._state.db == "default"
    assert not read._state.adding


def test_a_user_without_an_employee_link_costs_no_query(reader_user: User) -> None:
    _, token = AuthToken.objects.create(user=reader_user, expiry=None)
    (read,) = token_read().tokens(token[:15])
    with CaptureQueriesContext(connection) as captured:
        assert not hasattr(read.user, "employee")
    assert len(captured) == 0
    assert read.expiry is None


def test_an_unknown_key_finds_nothing() -> None:
    assert token_read().tokens("nosuchkey000000") == []


def test_tokens_sharing_a_key_are_told_apart_by_their_digest(
    reader_user: User, manager_user: User
) -> None:
    key = "a" * CONSTANTS.TOKEN_KEY_LENGTH
    mine, theirs = key + "1" * 49, key + "2" * 49
    for user, token in ((reader_user, mine), (manager_user, theirs)):
        instance, _ = AuthToken.objects.create(user=user)
        AuthToken.objects.filter(pk=instance.pk).update(token_key=key, digest=hash_token(token))
    assert len(token_read().tokens(key)) == 2
    for user, token in ((reader_user, mine), (manager_user, theirs)):
        found, _ = TokenAuthentication().authenticate_credentials(token.encode())
        assert found == user
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials((key + "3" * 49).encode())


def test_a_valid_token_reads_the_api_in_constant_queries(reader_user: User) -> None:
    _, token = AuthToken.objects.create(user=reader_user)
    client = _client(token)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(SCHEDULES)
    assert response.status_code == 200
    # The token with its user and link, then the list.
    assert len(captured) == 2


@pytest.mark.parametrize(
    "header",
    [
        "Token nosuchkey0000000000000000000000000000000000000000000000000000000",
        "Token short",
        "Token " + "é" * 64,
        "Token " + "\x00" * 64,
        "Token",
        "Token a b",
    ],
)
def test_a_wrong_token_is_a_401_problem(header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(SCHEDULES)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"


def test_the_right_key_with_the_wrong_secret_is_refused(reader_user: User) -> None:
    _, token = AuthToken.objects.create(user=reader_user)
    forged = token[:15] + ("0" if token[15] != "0" else "1") + token[16:]
    assert _client(forged).get(ME).status_code == 401
    assert _client(token).get(ME).status_code == 200


def test_an_expired_token_is_refused_and_deleted(reader_user: User) -> None:
    instance, token = AuthToken.objects.create(user=reader_user, expiry=dt.timedelta(days=1))
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert _client(token).get(ME).status_code == 401
    assert not AuthToken.objects.filter(pk=instance.pk).exists()


def test_an_inactive_users_token_is_refused(reader_user: User) -> None:
    _, token = AuthToken.objects.create(user=reader_user)
    User.objects.filter(pk=reader_user.pk).update(is_active=False)
    response = _client(token).get(ME)
    assert response.status_code == 401
    assert "inactive" in response.json()["detail"]


def test_an_employee_token_reaches_only_the_employees_api(reader_user: User) -> None:
    EmployeeFactory.create(user=reader_user)
    _, token = AuthToken.objects.create(user=reader_user)
    client = _client(token)
    assert client.get("/api/v1/me/schedules/").status_code == 200
    assert client.get(SCHEDULES).status_code == 403
