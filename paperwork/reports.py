"""The portal's Event Detail Report JSON, read into what the packet prints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

UPC_BODY_DIGITS = 11  # UPC-A: 11 digits and a check digit the barcode computes


@dataclass(frozen=True)
class EdrItem:
    number: str
    description: str
    upc: str  # 11 digits, or "" when the report has no usable UPC
    vendor: str = ""
    department: str = ""


@dataclass(frozen=True)
class Edr:
    event_number: str
    name: str = ""
    date: str = ""
    class_code: str = ""
    status_code: str = ""
    locked: bool = False
    preparation: str = ""
    portions: str = ""
    items: list[EdrItem] = field(default_factory=list)


def upc_body(gtin: Any) -> str:
    """The 11 digits a UPC-A barcode encodes (its check digit is computed when drawn).

    Fewer than 12 digits: left-padded to 11 (the portal drops leading zeros and often
    the check digit). 12 digits: a full UPC-A, whose check digit is dropped. A longer
    GTIN whose extra leading digits are zeros is a UPC-A too. Anything else: "".
    """
    digits = re.sub(r"\D", "", str(gtin or ""))
    if not digits or not digits.strip("0"):
        return ""
    if len(digits) > 12:
        head, digits = digits[:-12], digits[-12:]
        if head.strip("0"):
            return ""
    if len(digits) == 12:
        return digits[:UPC_BODY_DIGITS]
    return digits.zfill(UPC_BODY_DIGITS)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_report(event_number: str, data: dict[str, Any]) -> Edr:
    instructions = data.get("demoInstructions") or {}
    if not isinstance(instructions, dict):
        instructions = {}
    items: list[EdrItem] = []
    seen: set[str] = set()
    for raw in data.get("itemDetails") or []:
        if not isinstance(raw, dict):
            continue
        number = _text(raw.get("itemNbr"))
        key = number or _text(raw.get("gtin"))
        if key in seen:
            continue
        seen.add(key)
        items.append(
            EdrItem(
                number=number,
                description=_text(raw.get("itemDesc")),
                upc=upc_body(raw.get("gtin")),
                vendor=_text(raw.get("vendorNbr")),
                department=_text(raw.get("deptNbr")),
            )
        )
    return Edr(
        event_number=event_number,
        name=_text(data.get("demoName")),
        date=_text(data.get("demoDate")),
        class_code=_text(data.get("demoClassCode")),
        status_code=_text(data.get("demoStatusCode")),
        locked=str(data.get("demoLockInd") or "").upper() in ("Y", "TRUE", "1"),
        preparation=_text(instructions.get("demoPrepnTxt")),
        portions=_text(instructions.get("demoPortnTxt")),
        items=items,
    )


def browse_event_numbers(rows: list[dict[str, Any]]) -> set[str]:
    """The event numbers named by the portal's browse rows (one row per event-by-item)."""
    numbers = set()
    for row in rows:
        for key in ("eventId", "eventNbr", "demoId", "eventNumber"):
            value = _text(row.get(key))
            if value:
                numbers.add(value)
                break
    return numbers
