"""Paperwork test data: forms, scheduled events of a day, small real PDFs."""

import datetime as dt
import io

from reportlab.lib.pagesizes import LETTER  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from events.types import EventType
from paperwork.models import PaperworkForm
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

DAY = dt.date(2026, 12, 15)


def pdf_bytes(*texts: str) -> bytes:
    """A real PDF with one page per text."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    for text in texts:
        canvas.drawString(72, 700, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def form(title: str, *, pages: int = 1, types: tuple[str, ...] = ("core",), position: int = 0,
         active: bool = True) -> PaperworkForm:  # fmt: skip
    data = pdf_bytes(*[f"{title} page {n}" for n in range(1, pages + 1)])
    return PaperworkForm.objects.create(
        title=title, pdf=data, file_name=f"{title}.pdf", page_count=pages,
        event_types=list(types), position=position, is_active=active,
    )  # fmt: skip


def scheduled(
    number: str,
    *,
    hour: int = 10,
    minute: int = 45,
    event_type: str = EventType.CORE,
    url: str = "",
    employee_name: str | None = None,
    store: str = "8135",
    day: dt.date = DAY,
) -> Schedule:
    label = "CORE" if event_type == EventType.CORE else "JUICER"
    event = EventFactory(
        project_name=f"{number}-{label}-Demo {number}",
        event_type=event_type,
        sales_tool_url=url,
        store_number=store,
        start_datetime=store_local(day.year, day.month, day.day) - dt.timedelta(days=1),
    )
    employee = EmployeeFactory(**({"name": employee_name} if employee_name else {}))
    schedule = ScheduleFactory.create(
        event=event,
        employee=employee,
        start=store_local(day.year, day.month, day.day, hour, minute),
    )
    return schedule
