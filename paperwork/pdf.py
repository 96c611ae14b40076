"""The packet's own pages, drawn with ReportLab: the day's schedule, the daily items with
their UPC-A barcodes, each event's EDR, and a page for anything missing.

Letter pages whose content also fits A4 (186 mm wide), as the day sheet. Every part is
its own small PDF; paperwork/packet.py merges them (pypdf) and numbers the pages.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.barcode import createBarcodeDrawing  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import LETTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from paperwork.reports import Edr, EdrItem

CONTENT_WIDTH = 186 * mm
SIDE = (LETTER[0] - CONTENT_WIDTH) / 2
BARCODE_HEIGHT = 14 * mm


@dataclass(frozen=True)
class ScheduleLine:
    start: dt.datetime
    end: dt.datetime
    event: str
    event_type: str
    store: str
    employee: str


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=16, alignment=0),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=12, spaceBefore=8),
        "meta": ParagraphStyle("meta", parent=base["Normal"], fontSize=9, leading=12),
        "body": ParagraphStyle("body", parent=base["Normal"], fontSize=10, leading=13),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontSize=9, leading=11),
        "head": ParagraphStyle(
            "head", parent=base["Normal"], fontSize=8, leading=10, fontName="Helvetica-Bold"
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Any:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _doc(buffer: io.BytesIO, title: str) -> Any:
    return SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=SIDE,
        rightMargin=SIDE,
        topMargin=12 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Event Scheduler",
    )


def _table(rows: list[list[Any]], widths: Sequence[float]) -> Any:
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def barcode(upc: str) -> Any:
    """A UPC-A barcode of the 11 digits `upc` (ReportLab adds the check digit)."""
    return createBarcodeDrawing(
        "UPCA", value=upc, barHeight=BARCODE_HEIGHT, barWidth=0.33 * mm, humanReadable=True
    )


def _item_rows(items: Sequence[EdrItem], styles: dict[str, ParagraphStyle]) -> list[list[Any]]:
    header = [_p(h, styles["head"]) for h in ("Item", "Description", "UPC")]
    rows: list[list[Any]] = [header]
    for it in items:
        code = barcode(it.upc) if it.upc else _p("No UPC in the report", styles["cell"])
        rows.append(
            [_p(it.number or "—", styles["cell"]), _p(it.description, styles["cell"]), code]
        )
    return rows


ITEM_WIDTHS = (26 * mm, 95 * mm, 65 * mm)


def schedule_pdf(
    *, day: dt.date, lines: Sequence[ScheduleLine], items: Sequence[EdrItem], missing: int
) -> bytes:
    """Page 1…: the day's Core and Juicer Production events by time, then every item of
    the day's Core events once, with a barcode."""
    styles = _styles()
    buffer = io.BytesIO()
    story: list[Any] = [
        _p(f"Paperwork — {day:%A %-d %B %Y}", styles["title"]),
        _p(f"{len(lines)} event{'' if len(lines) == 1 else 's'} on the schedule", styles["meta"]),
        _p("Schedule", styles["h2"]),
    ]
    if lines:
        rows: list[list[Any]] = [
            [_p(h, styles["head"]) for h in ("Time", "Event", "Type", "Store", "Employee")]
        ]
        for line in lines:
            start, end = timezone.localtime(line.start), timezone.localtime(line.end)
            span = f"{start:%H:%M}\N{EN DASH}{end:%H:%M}"
            rows.append(
                [
                    _p(span, styles["cell"]),
                    _p(line.event, styles["cell"]),
                    _p(line.event_type, styles["cell"]),
                    _p(line.store, styles["cell"]),
                    _p(line.employee, styles["cell"]),
                ]
            )
        story.append(_table(rows, (22 * mm, 70 * mm, 30 * mm, 24 * mm, 40 * mm)))
    else:
        story.append(_p("No Core or Juicer Production event is scheduled.", styles["body"]))
    story += [Spacer(1, 4 * mm), _p("Daily items", styles["h2"])]
    if items:
        story.append(_table(_item_rows(items, styles), ITEM_WIDTHS))
    else:
        story.append(_p("No items: no report of the day lists any.", styles["body"]))
    if missing:
        story.append(
            _p(
                f"{missing} Core event{'' if missing == 1 else 's'} without a report: "
                "their items are not in this table.",
                styles["meta"],
            )
        )
    _doc(buffer, f"Paperwork {day:%Y-%m-%d}").build(story)
    return buffer.getvalue()


def edr_pdf(
    *,
    edr: Edr,
    event: str,
    store: str,
    day: dt.date,
    employee: str,
    fetched_at: dt.datetime,
    stale: bool,
) -> bytes:
    """One event's Event Detail Report."""
    styles = _styles()
    buffer = io.BytesIO()
    fetched = f"{timezone.localtime(fetched_at):%a %-d %b %H:%M}"
    story: list[Any] = [
        _p(f"Event Detail Report {edr.event_number}", styles["title"]),
        _p(edr.name or event, styles["body"]),
        Spacer(1, 2 * mm),
        _table(
            [
                [_p(h, styles["head"]) for h in ("Event", "Store", "Date", "Employee")],
                [
                    _p(event, styles["cell"]),
                    _p(store, styles["cell"]),
                    _p(f"{day:%a %-d %b %Y}", styles["cell"]),
                    _p(employee, styles["cell"]),
                ],
            ],
            (70 * mm, 40 * mm, 36 * mm, 40 * mm),
        ),
        _p(
            f"Report fetched {fetched}"
            + (" — STALE: older than the allowed age, check the portal" if stale else ""),
            styles["meta"],
        ),
        _p("Preparation", styles["h2"]),
        _p(edr.preparation or "None given.", styles["body"]),
        _p("Portions", styles["h2"]),
        _p(edr.portions or "None given.", styles["body"]),
        _p("Items", styles["h2"]),
    ]
    if edr.items:
        story.append(_table(_item_rows(edr.items, styles), ITEM_WIDTHS))
    else:
        story.append(_p("The report lists no items.", styles["body"]))
    _doc(buffer, f"EDR {edr.event_number}").build(story)
    return buffer.getvalue()


def notice_pdf(*, title: str, event: str, lines: Sequence[str]) -> bytes:
    """A page in place of something missing from the packet, saying what and why."""
    styles = _styles()
    buffer = io.BytesIO()
    story: list[Any] = [_p(title, styles["title"]), _p(event, styles["body"]), Spacer(1, 4 * mm)]
    story += [_p(line, styles["body"]) for line in lines]
    _doc(buffer, title).build(story)
    return buffer.getvalue()


def page_numbers_pdf(*, sizes: Sequence[tuple[float, float]], label: str) -> bytes:
    """One overlay page per packet page: '<label> · page n of N' at the bottom."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    total = len(sizes)
    for n, (width, height) in enumerate(sizes, start=1):
        canvas.setPageSize((width, height))
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawRightString(width - 12 * mm, 8 * mm, f"{label} · page {n} of {total}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
