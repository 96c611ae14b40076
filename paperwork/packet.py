"""Building a packet (README, the day's paperwork): one merged PDF of the day's (or one event's)
paperwork.

Order: the schedule and the daily items, then for each event in start order its EDR,
its sales-tool instructions (the PDF behind its sales-tool URL) and the company's forms
for its type. Nothing fails the whole packet: whatever is missing (no report, a
sales-tool link that times out, is not a PDF or answers a sign-in page) becomes one
page saying what and why, and a line in the build's `problems`.

The slow part is the network: reports (the user's own portal session) and sales tools
are fetched a few at a time (PAPERWORK_FETCH_WORKERS); the database is written from the
building thread only. Runs as a background task (paperwork/tasks.py).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from core.exceptions import ApplicationError
from core.features import get_feature
from core.http import RetryPolicy, send_with_retry
from paperwork import pdf
from paperwork.models import EventReport, PacketBuild, PaperworkForm, ReportStatus
from paperwork.portal import PortalSignInRequired
from paperwork.reports import Edr, EdrItem, parse_report
from paperwork.selectors import PacketPlan, PacketSection, packet_plan, report_state
from paperwork.services import ClientFactory, _default_client, reports_refresh

logger = logging.getLogger(__name__)

SIGN_IN_PAGE_MARKERS = (b"password", b"sign in", b"signin", b"log in", b"login")


# --- sales tools ------------------------------------------------------------------------


def fetch_sales_tool(http: httpx.Client, url: str) -> tuple[bytes | None, str]:
    """The PDF behind a sales-tool URL, or None and why not (in the manager's words)."""
    if not url:
        return None, "The event has no sales-tool link."
    limit = int(settings.PAPERWORK_SALES_TOOL_MAX_BYTES)
    try:
        response = send_with_retry(
            http,
            "GET",
            url,
            policy=RetryPolicy(attempts=2, base=0.5),
            service="sales-tool server",
            follow_redirects=True,
        )
    except ApplicationError as exc:
        return None, exc.detail
    except httpx.InvalidURL:
        return None, "The sales-tool link is not a valid web address."
    body = response.content
    if response.status_code >= 400:
        return None, f"The sales-tool link answered HTTP {response.status_code}."
    if len(body) > limit:
        return None, f"The sales-tool PDF is larger than {limit // (1024 * 1024)} MB."
    if not body.lstrip().startswith(b"%PDF"):
        head = body[:4096].lower()
        if "login" in str(response.url).lower() or any(m in head for m in SIGN_IN_PAGE_MARKERS):
            return None, "The sales-tool link opens a sign-in page, not the instructions."
        kind = response.headers.get("content-type", "unknown").split(";")[0]
        return None, f"The sales-tool link is not a PDF ({kind})."
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            if not reader.decrypt(""):
                return None, "The sales-tool PDF is password-protected and cannot be printed."
            plain = io.BytesIO()
            PdfWriter(clone_from=reader).write(plain)  # opens with no password: merge it plain
            body = plain.getvalue()
        if not reader.pages:
            return None, "The sales-tool PDF has no pages."
    except (PdfReadError, ValueError, KeyError):
        return None, "The sales-tool PDF is damaged and cannot be printed."
    return body, ""


# --- build ------------------------------------------------------------------------------


class _Progress:
    """Progress written to the build row at most ~20 times (one UPDATE each)."""

    def __init__(self, build: PacketBuild, total: int) -> None:
        self.build, self.total, self.done, self._written = build, max(1, total), 0, -1
        PacketBuild.objects.filter(pk=build.pk).update(progress_total=self.total)

    def step(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        bucket = self.done * 20 // self.total
        if bucket != self._written:
            self._written = bucket
            PacketBuild.objects.filter(pk=self.build.pk).update(progress_done=self.done)


def packet_build_execute(
    *, build_id: int, client_factory: ClientFactory = _default_client
) -> PacketBuild:
    build = PacketBuild.objects.select_related("requested_by").get(pk=build_id)
    if build.is_finished:
        return build
    PacketBuild.objects.filter(pk=build.pk).update(status=PacketBuild.Status.RUNNING)
    try:
        pdf_bytes, pages, problems = _build(build, client_factory)
    except Exception:
        # The task must end with a row that says so; the traceback goes to the log with
        # an error id, the page shows the id only.
        error = ApplicationError()
        logger.exception("Packet build %s failed (error_id=%s)", build.pk, error.error_id)
        PacketBuild.objects.filter(pk=build.pk).update(
            status=PacketBuild.Status.FAILED,
            error=f"The packet could not be built (error id {error.error_id}).",
            finished_at=timezone.now(),
        )
    else:
        PacketBuild.objects.filter(pk=build.pk).update(
            status=PacketBuild.Status.DONE,
            pdf=pdf_bytes,
            page_count=pages,
            problems=problems,
            progress_done=build.progress_total or 1,
            finished_at=timezone.now(),
        )
    build.refresh_from_db()
    return build


def _build(build: PacketBuild, client_factory: ClientFactory) -> tuple[bytes, int, list[Any]]:
    plan = packet_plan(build.day, event_id=build.event_id)
    core = [s for s in plan.sections if s.is_core]
    progress = _Progress(build, total=2 * len(core) + len(plan.sections) + 1)
    problems: list[dict[str, str]] = []

    def problem(section: PacketSection | None, what: str, why: str) -> None:
        name = section.event.project_name if section else "Whole packet"
        problems.append({"event": name, "what": what, "why": why})

    # 1. Reports not fresh in the cache, with the requester's own portal session.
    if core and get_feature("edr").usable:
        _refresh(build, plan, core, progress, problem, client_factory)
        plan = packet_plan(build.day, event_id=build.event_id)  # the cache, as now
        core = [s for s in plan.sections if s.is_core]
    else:
        progress.step(len(core))

    # 2. Sales tools, a few at a time.
    tools = _sales_tools(core, progress)

    # 3. The pages.
    writer = PdfWriter()
    items: dict[str, EdrItem] = {}
    edrs: dict[int, tuple[Edr, EventReport]] = {}
    for s in core:
        row = s.report.row if s.report else None
        if row is not None and row.status == ReportStatus.OK and isinstance(row.report, dict):
            edr = parse_report(row.event_number, row.report)
            edrs[s.schedule.pk] = (edr, row)
            for it in edr.items:
                items.setdefault(it.number or it.upc, it)
    lines = [
        pdf.ScheduleLine(
            start=s.schedule.start,
            end=s.schedule.end,
            event=s.event.project_name,
            event_type=s.event.get_event_type_display(),
            store=s.event.store_number,
            employee=s.schedule.employee.name,
        )
        for s in plan.sections
    ]
    missing = sum(1 for s in core if s.schedule.pk not in edrs)
    writer.append(
        io.BytesIO(
            pdf.schedule_pdf(
                day=build.day, lines=lines, items=list(items.values()), missing=missing
            )
        )
    )
    progress.step()
    forms = _form_readers(plan)
    for s in plan.sections:
        try:
            _section(writer, build, s, edrs, tools, forms, problem)
        except Exception:
            # One event's pages never fail the packet: it gets a page saying so instead.
            error = ApplicationError()
            logger.exception(
                "Packet %s: event %s (error_id=%s)", build.pk, s.event.pk, error.error_id
            )
            why = f"Its pages could not be made (error id {error.error_id})."
            problem(s, "Event pages", why)
            writer.append(
                io.BytesIO(
                    pdf.notice_pdf(
                        title="Event pages missing", event=s.event.project_name, lines=[why]
                    )
                )
            )
        progress.step()
    _number_pages(writer, label=f"Paperwork {build.day:%a %-d %b %Y}")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages), problems


def _refresh(
    build: PacketBuild,
    plan: PacketPlan,
    core: list[PacketSection],
    progress: _Progress,
    problem: Callable[[PacketSection | None, str, str], None],
    client_factory: ClientFactory,
) -> None:
    events = [s.event for s in core]
    try:
        outcome = reports_refresh(
            user=build.requested_by,
            events=events,
            first=build.day,
            last=build.day,
            client_factory=client_factory,
            on_progress=progress.step,
        )
    except PortalSignInRequired:
        problem(
            None,
            "Event Detail Reports",
            "You are not signed in to the retailer portal: cached reports were used. "
            "Sign in (a code is sent by SMS) and build again for fresh ones.",
        )
        progress.step(len(core))
        return
    except ApplicationError as exc:
        problem(None, "Event Detail Reports", f"The portal could not be read: {exc.detail}")
        progress.step(len(core))
        return
    if outcome.sign_in_required:
        problem(
            None,
            "Event Detail Reports",
            f"The retailer portal ended your session after {len(outcome.fetched)} "
            f"report{'' if len(outcome.fetched) == 1 else 's'}; {len(outcome.skipped)} were "
            "not fetched. Sign in again (a new SMS code) and build again: what was fetched "
            "is kept.",
        )
        progress.step(len(outcome.skipped))
    by_number = {s.event.event_number: s for s in core}
    for number, why in outcome.failed.items():
        problem(by_number.get(number), "Event Detail Report", f"Not fetched: {why}")


def _sales_tools(
    core: list[PacketSection], progress: _Progress
) -> dict[int, tuple[bytes | None, str]]:
    timeout = float(settings.PAPERWORK_SALES_TOOL_TIMEOUT_SECONDS)
    results: dict[int, tuple[bytes | None, str]] = {}
    with (
        httpx.Client(timeout=httpx.Timeout(timeout)) as http,
        ThreadPoolExecutor(max_workers=max(1, int(settings.PAPERWORK_FETCH_WORKERS))) as pool,
    ):
        futures = {
            s.schedule.pk: pool.submit(fetch_sales_tool, http, s.event.sales_tool_url) for s in core
        }
        for pk, future in futures.items():
            results[pk] = future.result()
            progress.step()
    return results


def _form_readers(plan: PacketPlan) -> dict[int, bytes]:
    ids = {f.pk for s in plan.sections for f in s.forms}
    if not ids:
        return {}
    rows = PaperworkForm.objects.filter(pk__in=ids).values_list("pk", "pdf")
    return {pk: bytes(data) for pk, data in rows}


def _section(
    writer: PdfWriter,
    build: PacketBuild,
    s: PacketSection,
    edrs: dict[int, tuple[Edr, EventReport]],
    tools: dict[int, tuple[bytes | None, str]],
    forms: dict[int, bytes],
    problem: Callable[[PacketSection | None, str, str], None],
) -> None:
    event = s.event
    name = event.project_name
    if s.is_core:
        if s.schedule.pk in edrs:
            edr, row = edrs[s.schedule.pk]
            state = report_state(
                row, event_number=row.event_number, edr_enabled=True, now=timezone.now()
            )
            if state.state == "stale":
                problem(s, "Event Detail Report", f"Stale: the report is {state.age_text}.")
            writer.append(
                io.BytesIO(
                    pdf.edr_pdf(
                        edr=edr,
                        event=name,
                        store=f"{event.store_number} {event.store_name}".strip(),
                        day=build.day,
                        employee=s.schedule.employee.name,
                        fetched_at=row.fetched_at,
                        stale=state.state == "stale",
                    )
                )
            )
        else:
            why = s.report.why if s.report else "No report."
            problem(s, "Event Detail Report", why)
            writer.append(
                io.BytesIO(
                    pdf.notice_pdf(title="Event Detail Report missing", event=name, lines=[why])
                )
            )
        body, why = tools.get(s.schedule.pk, (None, "Not fetched."))
        if body is not None:
            writer.append(io.BytesIO(body))
        else:
            problem(s, "Sales-tool instructions", why)
            lines = [why] + ([f"Link: {event.sales_tool_url}"] if event.sales_tool_url else [])
            writer.append(
                io.BytesIO(
                    pdf.notice_pdf(title="Sales-tool instructions missing", event=name, lines=lines)
                )
            )
    for form in s.forms:
        data = forms.get(form.pk)
        if data:
            writer.append(io.BytesIO(bytes(data)))


def _number_pages(writer: PdfWriter, *, label: str) -> None:
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in writer.pages]
    overlay = PdfReader(io.BytesIO(pdf.page_numbers_pdf(sizes=sizes, label=label)))
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(stamp)
