"""A session keeps its user across a rename of the authentication backend.

Django stores the signing-in backend's dotted path in the session and treats a session
whose path is no longer configured as signed out. The password backend was once
Django's own `ModelBackend`; sessions signed in then must stay signed in.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client

from tests.sessions_ext.factories import UserFactory

pytestmark = pytest.mark.django_db

FORMER = "django.contrib.auth.backends.ModelBackend"
CURRENT = "core.auth_backends.PasswordBackend"


@pytest.fixture
def user() -> User:
    return UserFactory.create()


def test_a_session_of_the_former_backend_path_stays_signed_in(client: Client, user: User) -> None:
    client.force_login(user, backend=FORMER)
    assert client.session[BACKEND_SESSION_KEY] == FORMER

    response = client.get("/")

    assert response.status_code == 200
    assert response.wsgi_request.user == user
    # From then on the session names the current backend.
    assert client.session[BACKEND_SESSION_KEY] == CURRENT
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get("/").wsgi_request.user == user


def test_a_session_of_an_unknown_backend_is_still_signed_out(client: Client, user: User) -> None:
    client.force_login(user, backend="somewhere.else.Backend")

    response = client.get("/")

    assert response.status_code == 302
    assert response.wsgi_request.user.is_anonymous


def test_the_current_backend_path_is_left_alone(client: Client, user: User) -> None:
    client.force_login(user)
    assert client.session[BACKEND_SESSION_KEY] == CURRENT

    assert client.get("/").wsgi_request.user == user
    assert client.session[BACKEND_SESSION_KEY] == CURRENT
