"""The API's orjson renderer writes exactly what DRF's JSONRenderer writes."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.renderers import FastJSONRenderer

NEW_YORK = ZoneInfo("America/New_York")

VALUES: dict[str, Any] = {
    "plain": {"id": 1, "name": "Crunchy Crackers", "ok": True, "none": None, "ratio": 0.25},
    "unicode": {"name": "Café · Señor — 10:45\u201317:15 ✓", "emoji": "🥨"},
    "line separators": {"text": "a\u2028b\u2029c"},
    "escapes": {"text": 'quote " backslash \\ newline \n tab \t nul \x00 <script>'},
    "aware datetime": {"at": dt.datetime(2026, 12, 15, 10, 45, tzinfo=NEW_YORK)},
    "utc datetime with microseconds": {
        "at": dt.datetime(2026, 12, 15, 15, 45, 1, 123456, tzinfo=dt.UTC)
    },
    "naive datetime": [dt.datetime(2026, 12, 15, 10, 45, 0, 500)],  # noqa: DTZ001
    "date, time, duration": [
        dt.date(2026, 12, 15),
        dt.time(10, 45, 30, 250000),
        dt.timedelta(hours=6.5),
    ],
    "decimal": {"hours": decimal.Decimal("6.50")},
    "uuid": {"id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    "lazy string": {"label": gettext_lazy("Core")},
    "int keys": {1: "one", 2: "two"},
    "nested": {"results": [{"a": [1, 2, {"b": None}]}, [], {}], "count": 0},
    "tuple and set": {"t": (1, 2), "s": {3}},
    "drf return types": ReturnDict(
        {"x": ReturnList([1, 2], serializer=None)},  # type: ignore[call-overload]
        serializer=None,
    ),
    "big integer": {"n": 2**70},
    "bytes": {"b": b"raw"},
}


@pytest.mark.parametrize("value", VALUES.values(), ids=VALUES.keys())
def test_same_bytes_as_drf(value: Any) -> None:
    assert FastJSONRenderer().render(value) == JSONRenderer().render(value)


def test_nothing_renders_as_nothing_and_indent_stays_with_drf() -> None:
    assert FastJSONRenderer().render(None) == b""
    data = {"a": [1, 2]}
    media = "application/json; indent=2"
    assert FastJSONRenderer().render(data, media) == JSONRenderer().render(data, media)
    assert b"\n  " in FastJSONRenderer().render(data, media)


def test_the_api_uses_it(settings: Any) -> None:
    assert settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] == [
        "core.renderers.FastJSONRenderer"
    ]
