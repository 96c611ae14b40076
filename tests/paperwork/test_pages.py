"""Paperwork pages, portal sign-in pages and API, the admin upload; permissions."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from paperwork.models import PacketBuild, PaperworkForm, PortalSession
from tests.paperwork.factories import DAY, form, pdf_bytes, scheduled
from tests.paperwork.fake_portal import FakePortal, Fault

pytestmark = pytest.mark.django_db


def signed(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def manager(client: Client, manager_user: User) -> Client:
    return signed(client, manager_user)


def test_paperwork_pages_are_for_managers_and_staff_only(
    client: Client, reader_user: User, manager_user: User, edr_on: FakePortal
) -> None:
    s = scheduled("606001")
    pages = [reverse("paperwork-day", args=[DAY]), reverse("paperwork-portal")]
    posts = [
        reverse("paperwork-build", args=[DAY]),
        reverse("paperwork-event-build", args=[s.event_id]),
        reverse("paperwork-portal-send"),
        reverse("paperwork-portal-verify"),
    ]
    for url in pages:
        assert client.get(url).status_code == 302  # anonymous: sign in first
    signed(client, reader_user)
    for url in pages:
        assert client.get(url).status_code == 403
    for url in posts:
        assert client.post(url, {"code": "123456"}).status_code == 403
    assert not PacketBuild.objects.exists() and not PortalSession.objects.exists()
    api = client.get(reverse("api-portal-session"))
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"


def test_the_day_page_says_what_the_packet_will_contain(manager: Client) -> None:
    scheduled("606001", url="https://tools.example.com/606001.pdf", employee_name="Ada Park")
    scheduled("606002", hour=11, employee_name="Ben Ode")
    form("Checklist")

    page = manager.get(reverse("paperwork-day", args=[DAY])).content.decode()

    assert "Paperwork — Tuesday 15 December 2026" in page
    assert "Ada Park" in page and "Ben Ode" in page
    assert "EDR reports are switched off." in page
    assert "The event has no sales-tool link." in page
    assert page.count("Checklist") == 2
    assert "Build packet" in page


def test_the_day_page_runs_a_constant_number_of_queries(
    manager: Client, django_assert_num_queries
) -> None:
    scheduled("606001")
    manager.get(reverse("paperwork-day", args=[DAY]))
    with django_assert_num_queries(8) as small:
        manager.get(reverse("paperwork-day", args=[DAY]))
    for n in range(2, 12):
        scheduled(f"6060{n:02d}", hour=10 + n % 4)
    with django_assert_num_queries(len(small.captured_queries)):
        manager.get(reverse("paperwork-day", args=[DAY]))


def test_build_from_the_day_page_then_download(
    manager: Client, manager_user: User, django_capture_on_commit_callbacks
) -> None:
    scheduled("606001", employee_name="Ada Park")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(reverse("paperwork-build", args=[DAY]))
    build = PacketBuild.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("paperwork-packet", args=[build.pk])
    assert build.status == PacketBuild.Status.DONE and build.requested_by == manager_user

    page = manager.get(response["Location"]).content.decode()
    assert "Download the packet (PDF)" in page and "Missing from the packet" in page
    progress = manager.get(reverse("paperwork-packet-progress", args=[build.pk])).json()
    assert progress["finished"] is True and progress["percent"] == 100

    pdf = manager.get(reverse("paperwork-packet-pdf", args=[build.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="paperwork-2026-12-15.pdf"'
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == build.page_count == 3


def test_packets_older_than_a_day_are_gone(manager: Client, manager_user: User) -> None:
    import datetime as dt

    from django.utils import timezone

    scheduled("606001")
    old = PacketBuild.objects.create(
        day=DAY, requested_by=manager_user, created_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert manager.get(reverse("paperwork-packet-pdf", args=[old.pk])).status_code == 404
    manager.post(reverse("paperwork-build", args=[DAY]))
    assert list(PacketBuild.objects.values_list("pk", flat=True)) != [old.pk]
    assert not PacketBuild.objects.filter(pk=old.pk).exists()


def test_build_of_an_empty_day_is_refused(manager: Client) -> None:
    response = manager.post(reverse("paperwork-build", args=[DAY]), follow=True)
    assert "Nothing to print" in response.content.decode()
    assert not PacketBuild.objects.exists()


def test_one_event_packet_from_its_page(
    manager: Client, django_capture_on_commit_callbacks
) -> None:
    s = scheduled("606001")
    scheduled("606002", hour=11)
    assert (
        "Build this event"
        in manager.get(reverse("event-detail", args=[s.event_id])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("paperwork-event-build", args=[s.event_id]))
    build = PacketBuild.objects.get()
    assert build.event_id == s.event_id and build.page_count == 3


def test_sign_in_pages_then_sign_out_of_the_app_ends_the_portal_session(
    manager: Client, manager_user: User, edr_on: FakePortal
) -> None:
    manager.post(reverse("paperwork-portal-send"))
    page = manager.get(reverse("paperwork-portal")).content.decode()
    assert "Code from the SMS" in page
    wrong = manager.post(reverse("paperwork-portal-verify"), {"code": "99999999"}, follow=True)
    assert "The portal refused that code" in wrong.content.decode()
    ok = manager.post(
        reverse("paperwork-portal-verify"),
        {"code": edr_on.codes[-1], "next": reverse("paperwork-day", args=[DAY])},
    )
    assert ok["Location"] == reverse("paperwork-day", args=[DAY])
    assert PortalSession.objects.get(user=manager_user).is_active

    manager.post(reverse("logout"))
    assert not PortalSession.objects.exists()


def test_the_portal_api_signs_in_and_out(api_as, manager_user: User, edr_on: FakePortal) -> None:
    api = api_as(manager_user)
    url = reverse("api-portal-session")
    assert api.get(url).json() == {"state": "none", "expires_at": None}
    assert api.post(reverse("api-portal-code")).json()["state"] == "awaiting_code"
    wrong = api.post(url, {"code": "00000000"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "edr_code_refused"
    assert api.post(url, {"code": edr_on.codes[-1]}, format="json").json()["state"] == "active"
    assert api.delete(url).status_code == 204
    assert not PortalSession.objects.exists()


def test_the_portal_api_when_the_portal_is_down_is_a_502_problem(
    manager_user: User, edr_on: FakePortal
) -> None:
    edr_on.fail("login", *[Fault(status=500)] * 4)
    api = APIClient(raise_request_exception=False)
    api.force_login(manager_user)
    response = api.post(reverse("api-portal-code"))
    assert response.status_code == 502
    body = response.json()
    assert body["code"] == "external_api_error" and body["error_id"]
    assert not PortalSession.objects.exists()


def test_the_portal_api_with_edr_off(api_as, manager_user: User) -> None:
    response = api_as(manager_user).post(reverse("api-portal-code"))
    assert response.status_code == 400 and response.json()["code"] == "edr_disabled"


def test_a_manager_never_builds_with_another_managers_portal_session(
    client: Client, manager_user: User, edr_on: FakePortal, django_capture_on_commit_callbacks
) -> None:
    signed(client, manager_user)
    client.post(reverse("paperwork-portal-send"))
    client.post(reverse("paperwork-portal-verify"), {"code": edr_on.codes[-1]})
    edr_on.add("606001")
    scheduled("606001")
    other = User.objects.create_user("manager2", password="x-pass-123456")
    other.groups.set(manager_user.groups.all())
    other_client = Client()
    other_client.force_login(other)

    with django_capture_on_commit_callbacks(execute=True):
        other_client.post(reverse("paperwork-build", args=[DAY]))

    build = PacketBuild.objects.get()
    assert build.requested_by == other
    assert build.problems[0]["why"].startswith("You are not signed in to the retailer portal")
    page = other_client.get(reverse("paperwork-packet", args=[build.pk])).content.decode()
    assert "Sign in to the portal</a> (a new code is sent by SMS)" in page
    assert edr_on.bearers == [] and edr_on.calls["report"] == 0


def test_staff_upload_a_form_in_the_admin(staff_client: Client) -> None:
    url = reverse("admin:paperwork_paperworkform_add")
    upload = SimpleUploadedFile("log.pdf", pdf_bytes("one", "two"), content_type="application/pdf")
    response = staff_client.post(
        url, {"title": "Activity log", "upload": upload, "event_types": ["core"], "position": 2,
              "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = PaperworkForm.objects.get()
    assert (saved.page_count, saved.event_types, saved.file_name) == (2, ["core"], "log.pdf")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.txt", b"hello", "Only PDF files can be uploaded."),
        ("a.pdf", b"%PDF-1.4 broken", "The PDF cannot be read"),
    ],
)
def test_the_admin_refuses_what_is_not_a_pdf(
    staff_client: Client, name: str, data: bytes, message: str
) -> None:
    url = reverse("admin:paperwork_paperworkform_add")
    response = staff_client.post(
        url, {"title": "X", "upload": SimpleUploadedFile(name, data), "event_types": ["core"],
              "position": 0},
    )  # fmt: skip
    assert response.status_code == 200 and message in response.content.decode()
    assert not PaperworkForm.objects.exists()


def test_the_admin_refuses_a_form_over_the_size_cap(staff_client: Client, settings) -> None:
    settings.PAPERWORK_FORM_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.pdf", pdf_bytes("x" * 50))
    response = staff_client.post(
        reverse("admin:paperwork_paperworkform_add"),
        {"title": "Big", "upload": upload, "event_types": ["core"], "position": 0},
    )
    assert "larger than" in response.content.decode()
    assert not PaperworkForm.objects.exists()


def test_manage_py_features_names_the_missing_edr_variable(settings) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.EDR_ENABLED = True
    settings.EDR_LOGIN_URL = "https://login.example.com"
    settings.EDR_PORTAL_URL = "https://portal.example.com"
    settings.EDR_USERNAME = "someone"
    settings.EDR_PASSWORD = "do-not-print-me"
    settings.EDR_MFA_CREDENTIAL_ID = ""
    out = StringIO()
    with pytest.raises(CommandError, match="missing: EDR_MFA_CREDENTIAL_ID"):
        call_command("features", "--require", "edr", stdout=out)
    assert "do-not-print-me" not in out.getvalue()


def test_staff_revoke_a_portal_session_in_the_admin(
    staff_client: Client, manager_user: User, edr_on: FakePortal
) -> None:
    from paperwork.services import portal_sign_in_start, portal_sign_in_verify

    portal_sign_in_start(user=manager_user)
    session = portal_sign_in_verify(user=manager_user, code=edr_on.codes[-1])
    listing = staff_client.get(reverse("admin:paperwork_portalsession_changelist"))
    assert "manager" in listing.content.decode()
    assert session.sealed not in listing.content.decode()
    response = staff_client.post(
        reverse("admin:paperwork_portalsession_delete", args=[session.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not PortalSession.objects.exists()


def test_an_expired_portal_session_is_not_used_and_is_removed(
    manager_user: User, edr_on: FakePortal
) -> None:
    import datetime as dt

    from django.utils import timezone

    from paperwork.portal import PortalSignInRequired
    from paperwork.services import portal_sign_in_start, portal_sign_in_verify, portal_state_of

    portal_sign_in_start(user=manager_user)
    portal_sign_in_verify(user=manager_user, code=edr_on.codes[-1])
    PortalSession.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(PortalSignInRequired):
        portal_state_of(manager_user)
    assert not PortalSession.objects.exists()


def test_the_day_page_shows_what_the_last_build_found_behind_each_sales_tool_link(
    manager: Client, edr_on: FakePortal, django_capture_on_commit_callbacks
) -> None:
    ok = edr_on.tool("ok.pdf", pdf_bytes("instructions"))
    login = edr_on.tool("login", b"<html>Password <input type=password></html>", ctype="text/html")
    scheduled("606001", url=ok)
    scheduled("606002", hour=11, url=login)
    url = reverse("paperwork-day", args=[DAY])
    assert "fetched when building" in manager.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("paperwork-build", args=[DAY]))

    page = manager.get(url).content.decode()

    assert page.count("Reachable") == 1
    assert "At the last build: The sales-tool link opens a sign-in page" in page


def test_a_stale_report_is_shown_with_its_age_and_printed_as_stale(
    manager: Client, manager_user: User
) -> None:
    import datetime as dt

    from django.utils import timezone

    from paperwork.models import EventReport
    from paperwork.packet import packet_build_execute
    from tests.paperwork.fake_portal import report

    scheduled("606001")
    scheduled("606002", hour=11)
    EventReport.objects.create(
        event_number="606001",
        report=report("606001"),
        fetched_at=timezone.now() - dt.timedelta(hours=30),
    )
    EventReport.objects.create(
        event_number="606002", report=report("606002"), fetched_at=timezone.now()
    )

    page = manager.get(reverse("paperwork-day", args=[DAY])).content.decode()
    assert "Stale</span> <small>30 h old</small>" in page
    assert page.count(">Fresh<") == 1

    build = PacketBuild.objects.create(day=DAY, requested_by=manager_user)
    done = packet_build_execute(build_id=build.pk)
    text = [p.extract_text() for p in PdfReader(io.BytesIO(bytes(done.pdf or b""))).pages]
    assert "STALE" in text[1] and "STALE" not in text[3]
    assert {"event": "606001-CORE-Demo 606001", "what": "Event Detail Report",
            "why": "Stale: the report is 30 h old."} in done.problems  # fmt: skip


def test_a_changed_session_secret_makes_stored_portal_sessions_unusable(
    manager_user: User, edr_on: FakePortal, settings
) -> None:
    from paperwork.portal import PortalSignInRequired
    from paperwork.services import portal_sign_in_start, portal_sign_in_verify, portal_state_of

    portal_sign_in_start(user=manager_user)
    portal_sign_in_verify(user=manager_user, code=edr_on.codes[-1])
    assert portal_state_of(manager_user).token
    settings.EDR_SESSION_SECRET = "another-secret-entirely"
    with pytest.raises(PortalSignInRequired):
        portal_state_of(manager_user)
    assert not PortalSession.objects.exists()


@pytest.mark.parametrize(
    ("who", "sees_link"),
    [("reader_user", False), ("manager_user", True), ("staff_user", True)],
)
def test_the_print_sheet_links_the_paperwork_only_for_who_may_open_it(
    client: Client, request: pytest.FixtureRequest, who: str, sees_link: bool
) -> None:
    scheduled("606001")
    signed(client, request.getfixturevalue(who))
    link = reverse("paperwork-day", args=[DAY])

    sheet = client.get(reverse("day-print", args=[DAY]))
    paperwork = client.get(link)

    assert sheet.status_code == 200
    assert (f'href="{link}"' in sheet.content.decode()) is sees_link
    assert paperwork.status_code == (200 if sees_link else 403)
