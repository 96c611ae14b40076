"""The day sheet as a PDF (ReportLab): the same content as the printable HTML page.

Letter pages whose content also fits A4 (186 mm wide, 12 mm margins top and bottom),
so the file prints on either paper without scaling. The standard Helvetica font covers
Latin-1 text.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import LETTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from scheduler.selectors import DaySheet

CONTENT_WIDTH = 186 * mm  # A4's 210 mm less two 12 mm margins; Letter is wider
COLUMNS = (44 * mm, 34 * mm, 56 * mm, 22 * mm, 30 * mm)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=16, alignment=0),
        "meta": ParagraphStyle("meta", parent=base["Normal"], fontSize=9, leading=12),
        "slot": ParagraphStyle(
            "slot",
            parent=base["Heading3"],
            fontName="Helvetica-Bold",
            fontSize=11,
            spaceBefore=8,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontSize=9, leading=11),
        "head": ParagraphStyle(
            "head", parent=base["Normal"], fontSize=8, leading=10, fontName="Helvetica-Bold"
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Any:
    return Paragraph(escape(text), style)


def _span(start: dt.datetime, end: dt.datetime) -> str:
    return f"{timezone.localtime(start):%H:%M}\N{EN DASH}{timezone.localtime(end):%H:%M}"


def day_sheet_pdf(sheet: DaySheet, *, printed_at: dt.datetime) -> bytes:
    """The day sheet of `sheet.day`: schedules by start time with signature lines."""
    styles = _styles()
    buffer = io.BytesIO()
    side = (LETTER[0] - CONTENT_WIDTH) / 2
    title = f"Day sheet {sheet.day:%Y-%m-%d}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=side,
        rightMargin=side,
        topMargin=12 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="Event Scheduler",
        subject=f"Schedule of {sheet.day:%A %d %B %Y}",
    )
    duty = " · ".join(
        f"{d.label}: {d.employee.name if d.employee else 'nobody'}" for d in sheet.on_duty
    )
    count = f"{sheet.count} event{'' if sheet.count == 1 else 's'}"
    story: list[Any] = [
        _p(f"Day sheet — {sheet.day:%A %-d %B %Y}", styles["title"]),
        _p(f"{sheet.day:%Y-%m-%d} · {count} · {duty}", styles["meta"]),
        Spacer(1, 4 * mm),
    ]
    if not sheet.slots:
        story.append(_p("Nothing is scheduled on this day.", styles["cell"]))
    for slot in sheet.slots:
        story.append(_p(f"{timezone.localtime(slot.start):%H:%M}", styles["slot"]))
        header = [
            _p(h, styles["head"]) for h in ("Employee", "Store", "Event", "Time", "Signature")
        ]
        rows = [
            [
                _p(s.employee.name, styles["cell"]),
                _p(f"{s.event.store_number} {s.event.store_name}".strip(), styles["cell"]),
                _p(s.event.project_name, styles["cell"]),
                _p(_span(s.start, s.end), styles["cell"]),
                "",
            ]
            for s in slot.schedules
        ]
        table = Table([header, *rows], colWidths=COLUMNS, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEBELOW", (0, 1), (-2, -1), 0.25, colors.grey),
                    # The signature line: a solid rule under an empty, tall cell.
                    ("LINEBELOW", (-1, 1), (-1, -1), 0.8, colors.black),
                    ("TOPPADDING", (0, 1), (-1, -1), 12),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(table)

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(
            side, 9 * mm, f"{title} · printed {printed_at:%Y-%m-%d %H:%M} · Event Scheduler"
        )
        canvas.drawRightString(side + CONTENT_WIDTH, 9 * mm, f"Page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
