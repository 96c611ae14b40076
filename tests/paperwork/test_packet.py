"""The packet PDF (README, the day's paperwork): sections in order, a page for everything missing,
the
daily items once each, and UPC-A barcodes that scan back to the report's digits."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from events.types import EventType
from paperwork.models import PacketBuild
from paperwork.packet import packet_build_execute
from paperwork.services import portal_sign_in_start, portal_sign_in_verify
from tests.paperwork.factories import DAY, form, pdf_bytes, scheduled
from tests.paperwork.fake_portal import FakePortal, item, report

pytestmark = pytest.mark.django_db

PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"

LOGIN_PAGE = b"<html><body><form>User name <input name=user> Password <input type=password></form></body></html>"  # noqa: E501


def upc_a(body: str) -> str:
    """The 12-digit UPC-A of 11 digits: the check digit a scanner reads."""
    odd = sum(int(d) for d in body[0::2])
    even = sum(int(d) for d in body[1::2])
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def scan(pdf: bytes, page: int) -> list[str]:
    """Render one page (pdftoppm, 300 dpi) and decode its barcodes (zbarimg)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "packet.pdf"
        path.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            [
                PDFTOPPM,
                "-r",
                "300",
                "-f",
                str(page),
                "-l",
                str(page),
                "-png",
                str(path),
                f"{tmp}/p",
            ],
            check=True,
        )
        (image,) = Path(tmp).glob("p*.png")
        done = subprocess.run(  # noqa: S603
            [ZBARIMG, "--quiet", "--raw", "-Supca.enable", str(image)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    codes = []
    for line in done.stdout.split():
        codes.append(line[1:] if len(line) == 13 and line.startswith("0") else line)
    return sorted(codes)


def pdf_of(build: PacketBuild) -> bytes:
    assert build.pdf is not None
    return bytes(build.pdf)


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def signed_in(manager_user: User, edr_on: FakePortal, make_client) -> User:
    portal_sign_in_start(user=manager_user, client_factory=make_client)
    portal_sign_in_verify(user=manager_user, code=edr_on.codes[-1], client_factory=make_client)
    return manager_user


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="needs zbar-tools (zbarimg)")
def test_a_day_packet_has_every_section_in_order_and_a_page_for_what_is_missing(
    signed_in: User, edr_on: FakePortal, make_client
) -> None:
    portal = edr_on
    # 606001: a report with a short UPC, a full UPC, and an item with no UPC.
    portal.add("606001", report("606001", items=[
        item("980001", "3600029145", "Pretzel bites 2 lb"),
        item("980002", "078742351865", "Mustard dip 16 oz"),
        item("980003", None, "Napkins"),
    ]))  # fmt: skip
    # 606002: the same pretzel item again (listed once in the daily items), and a new one.
    portal.add("606002", report("606002", items=[
        item("980001", "3600029145", "Pretzel bites 2 lb"),
        item("980004", "41220", "Cheese sauce"),
    ]))  # fmt: skip
    portal.add("606003", report("606003", items=[]))  # a report with no items
    tool = portal.tool("606001.pdf", pdf_bytes("SALES TOOL 606001 step 1", "step 2"))
    login = portal.tool("606002", LOGIN_PAGE, ctype="text/html")
    slow = portal.tool("606003", pdf_bytes("too late"), delay=1.5)
    scheduled("606001", hour=10, minute=45, url=tool, employee_name="Ada Park")
    scheduled("606002", hour=11, minute=15, url=login, employee_name="Ben Ode")
    scheduled("606003", hour=11, minute=45, url=slow, employee_name="Cy Lee")
    scheduled("606004", hour=12, minute=15, employee_name="Di Ray")  # unknown to the portal
    scheduled("606005", hour=9, minute=0, event_type=EventType.JUICER_PRODUCTION,
              employee_name="Ed Juice")  # fmt: skip
    form("Activity log", pages=2, position=1)
    form("Checklist", position=0)
    form("Juicer sheet", types=("juicer_production",))
    form("Old form", active=False)
    build = PacketBuild.objects.create(day=DAY, requested_by=signed_in)

    done = packet_build_execute(build_id=build.pk, client_factory=make_client)

    assert done.status == PacketBuild.Status.DONE, done.error
    pages = texts(pdf_of(done))
    assert done.page_count == len(pages)
    # 1 schedule+items page, then per event: Juicer (form 1); 606001 EDR 1 + tool 2 +
    # forms 3; 606002 EDR 1 + missing tool 1 + forms 3; 606003 EDR 1 + missing tool 1 +
    # forms 3; 606004 missing EDR 1 + missing tool 1 + forms 3.
    assert len(pages) == 1 + 1 + 6 + 5 + 5 + 5
    first = pages[0]
    assert "Paperwork — Tuesday 15 December 2026" in first
    order = [first.index(n) for n in ("Ed Juice", "Ada Park", "Ben Ode", "Cy Lee", "Di Ray")]
    assert order == sorted(order)
    assert "Daily items" in first
    for desc in ("Pretzel bites 2 lb", "Mustard dip 16 oz", "Napkins", "Cheese sauce"):
        assert first.count(desc) == 1
    assert "No UPC in the report" in first
    assert "page 1 of 23" in first

    expected = sorted(upc_a(b) for b in ("00003600029145"[-11:], "07874235186", "00000041220"))
    assert scan(pdf_of(done), 1) == expected

    section = pages[1:]
    assert "Juicer sheet page 1" in section[0]
    assert "Event Detail Report 606001" in section[1] and "Warm the pretzels" in section[1]
    assert "Ada Park" in section[1]
    assert "SALES TOOL 606001 step 1" in section[2] and "step 2" in section[3]
    assert [
        next(
            t for t in ("Checklist page 1", "Activity log page 1", "Activity log page 2") if t in p
        )
        for p in section[4:7]
    ] == ["Checklist page 1", "Activity log page 1", "Activity log page 2"]
    assert "Event Detail Report 606002" in section[7]
    assert "Sales-tool instructions missing" in section[8]
    assert "opens a sign-in page" in section[8]
    assert "The report lists no items." in section[12]
    assert "Sales-tool instructions missing" in section[13]
    assert "The sales-tool server is unavailable (timed out)." in section[13]
    assert "Event Detail Report missing" in section[17]
    assert "does not know this event" in section[17]
    assert "The event has no sales-tool link." in section[18]
    assert all("Old form" not in p for p in pages)

    problems = {(p["event"].split("-")[0], p["what"]) for p in done.problems}
    assert problems == {
        ("606002", "Sales-tool instructions"),
        ("606003", "Sales-tool instructions"),
        ("606004", "Event Detail Report"),
        ("606004", "Sales-tool instructions"),
    }
    # The report cache served the build: one browse for the store, three reports.
    assert portal.calls["browse"] == 1 and portal.calls["report"] == 3


def test_one_event_packet_and_no_portal_session(manager_user: User, edr_on: FakePortal) -> None:
    s = scheduled("606001", employee_name="Ada Park")
    scheduled("606002")
    build = PacketBuild.objects.create(day=DAY, event=s.event, requested_by=manager_user)

    done = packet_build_execute(build_id=build.pk)

    assert done.status == PacketBuild.Status.DONE
    pages = texts(pdf_of(done))
    assert len(pages) == 3
    assert "Demo 606002" not in pages[0]
    assert "Event Detail Report missing" in pages[1]
    assert done.problems[0]["why"].startswith("You are not signed in to the retailer portal")
    assert sum(edr_on.calls.values()) == 0


def test_a_portal_ending_the_session_mid_build_still_gives_a_packet(
    signed_in: User, edr_on: FakePortal, make_client
) -> None:
    for n in ("606001", "606002"):
        edr_on.add(n)
        scheduled(n, hour=10 if n.endswith("1") else 11)
    edr_on.expire_sessions()
    build = PacketBuild.objects.create(day=DAY, requested_by=signed_in)

    done = packet_build_execute(build_id=build.pk, client_factory=make_client)

    assert done.status == PacketBuild.Status.DONE
    assert any("ended your session" in p["why"] for p in done.problems)
    assert len(texts(pdf_of(done))) == 1 + 2 * 2


def encrypted(password: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("secret instructions"))))
    writer.encrypt(user_password=password, owner_password="owner-pw")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "status", "ctype", "why"),
    [
        (b"gone", 404, "text/plain", "The sales-tool link answered HTTP 404."),
        (b"%PDF-1.4 not really", 200, "application/pdf", "The sales-tool PDF is damaged"),
        (
            b"PK\x03\x04zip",
            200,
            "application/zip",
            "The sales-tool link is not a PDF (application/zip).",
        ),
        (encrypted("s3cret"), 200, "application/pdf", "The sales-tool PDF is password-protected"),
    ],
)
def test_sales_tool_fetch_says_why_not(
    portal: FakePortal, body: bytes, status: int, ctype: str, why: str
) -> None:
    import httpx

    from paperwork.packet import fetch_sales_tool

    url = portal.tool("x", body, status=status, ctype=ctype)
    with httpx.Client(timeout=1) as http:
        data, reason = fetch_sales_tool(http, url)
    assert data is None and reason.startswith(why)


def test_a_sales_tool_encrypted_without_a_password_is_printed(portal: FakePortal) -> None:
    import httpx

    from paperwork.packet import fetch_sales_tool

    url = portal.tool("x", encrypted(""))
    with httpx.Client(timeout=1) as http:
        data, reason = fetch_sales_tool(http, url)
    assert reason == "" and data is not None
    assert "secret instructions" in texts(data)[0]
