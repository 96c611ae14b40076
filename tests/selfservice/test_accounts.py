"""Staff make employee accounts from the admin; a one-time link sets the password."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from employees.models import Employee
from tests.employees.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/selfservice/employeeaccount/"


def act(client: Client, action: str, *employees: Employee) -> Any:
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [e.pk for e in employees]},
        follow=True,
    )


def link_in(body: str) -> str:
    match = re.search(r"http://testserver(/me/set-password/[^\s]+/)", body)
    assert match is not None, body
    return match.group(1)


def test_staff_create_accounts_and_the_link_sets_a_password_once(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    ann = EmployeeFactory.create(name="Ann Able", external_id="US200001", email="ann@example.com")
    no_mail = EmployeeFactory.create(name="Ned Nomail", email="")

    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, "create_accounts", ann, no_mail)

    html = response.content.decode()
    assert "Account made and link sent: Ann Able." in html
    assert "Ned Nomail has no email address to send the link to." in html
    ann.refresh_from_db()
    assert ann.user is not None and ann.user.username == "us200001"
    assert not ann.user.has_usable_password()
    assert Employee.objects.get(pk=no_mail.pk).user is None
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert "Your username: us200001" in mail.outbox[0].body

    path = link_in(str(mail.outbox[0].body))
    browser = Client()
    form_page = browser.get(path, follow=True)
    assert "Choose the password you will sign in with" in form_page.content.decode()
    done = browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-pass-phrase-42", "new_password2": "a-long-pass-phrase-42"},
        follow=True,
    )
    assert "Password set" in done.content.decode()
    signed_in = browser.post(
        "/accounts/login/",
        {"username": "us200001", "password": "a-long-pass-phrase-42"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == "/me/"
    assert "My schedule" in signed_in.content.decode()
    # The link works once.
    again = Client().get(path, follow=True).content.decode()
    assert "This link has been used already or has expired." in again


def test_an_account_is_made_once_and_a_new_link_can_be_sent(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    ann = EmployeeFactory.create(name="Ann Able", email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, "create_accounts", ann)
        html = act(staff_client, "create_accounts", ann).content.decode()
        assert "Ann Able already has an account." in html
        html = act(staff_client, "send_links", ann).content.decode()
    assert "Link sent: Ann Able." in html
    assert User.objects.filter(username=ann.external_id.lower()).count() == 1
    assert len(mail.outbox) == 2
    assert "Set your password with this link" in mail.outbox[1].body


def test_inactive_employee_gets_no_account(staff_client: Client) -> None:
    gone = EmployeeFactory.create(name="Gina Gone", is_active=False)
    html = act(staff_client, "create_accounts", gone).content.decode()
    assert "Gina Gone is not active." in html
    assert mail.outbox == [] and User.objects.filter(username=gone.external_id.lower()).count() == 0


def test_managers_cannot_open_the_accounts_admin(manager_user: User) -> None:
    client = Client()
    client.force_login(manager_user)
    assert client.get(CHANGELIST).status_code == 302  # not staff: the admin's sign-in
