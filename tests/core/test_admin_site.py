"""The admin groups the technical models under "System", for superusers only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

pytestmark = pytest.mark.django_db


def sections(client: Client) -> dict[str, list[str]]:
    return {
        app["name"]: [m["name"] for m in app["models"]]
        for app in client.get("/admin/").context["app_list"]
    }


def test_superusers_see_the_system_section(staff_client: Client) -> None:
    found = sections(staff_client)
    assert found["System"] == [
        "Access attempts (Axes)",
        "Access failures (Axes)",
        "Access logs (Axes)",
        "Auth tokens (Knox)",
        "Pending pushes (Planning system)",
        "Sessions (Sessions)",
        "Sync runs (Planning system)",
        "Task Results (Tasks Database Backend)",
    ]
    assert "Planning system" not in found  # its models are all technical
    assert "Events" in found["Events"]


def test_office_staff_see_no_system_section(client: Client) -> None:
    office = User.objects.create_user("clerk", password="clerk-pass-123", is_staff=True)
    office.user_permissions.set(Permission.objects.all())
    client.force_login(office)
    found = sections(client)
    assert "System" not in found
    assert all("Sync runs" not in models for models in found.values())
    assert "Employees" in found["Employees"]


def test_pending_pushes_is_spelt_right(staff_client: Client) -> None:
    page = staff_client.get("/admin/").content.decode()
    assert "Pending pushes" in page and "Pending pushs" not in page


def test_the_favicon_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.svg")
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
