"""Session API behaviour the contract run (tests/test_api_contract.py) found wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from sessions_ext.models import UserSession

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], APIClient]


@pytest.mark.parametrize("public_id", ["-" * 36, "0" * 36, "0b5e4c8e2f1a4c3d9e8f1a2b3c4d5e6f0000"])
def test_an_id_that_is_no_uuid_is_not_found(
    api_as: ApiAs, reader_user: User, public_id: str
) -> None:
    """The route took any 36 of hex and "-": the lookup then failed as a 400."""
    client = api_as(reader_user)
    response = client.delete(f"/api/v1/sessions/{public_id}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert UserSession.objects.filter(user=reader_user).count() == 1


def test_a_session_is_still_revoked_by_its_id(api_as: ApiAs, reader_user: User) -> None:
    laptop, phone = api_as(reader_user), api_as(reader_user)
    listed = laptop.get("/api/v1/sessions/").json()
    [phone_session] = [s for s in listed if not s["current"]]
    response = laptop.delete(
        f"/api/v1/sessions/{phone_session['id']}/", {"password": "reader-pass-123"}, format="json"
    )
    assert response.status_code == 204
    assert phone.get("/api/v1/auth/me/").status_code == 401
    assert laptop.get("/api/v1/auth/me/").status_code == 200
