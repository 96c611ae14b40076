"""The API's JSON renderer: DRF's output, byte for byte, written by orjson.

DRF's `JSONRenderer` runs the standard library's encoder with DRF's `default` for
dates, decimals, lazy strings and the like. orjson writes the same compact UTF-8 JSON
several times faster; everything it does not write the same way itself (datetimes,
dataclasses, and what it does not know) goes through DRF's encoder, so a value looks
the same whichever renderer wrote it. Indented output (an `indent` in the Accept
header) stays with DRF's renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_ENCODER = JSONEncoder()
_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | (orjson.OPT_NON_STR_KEYS)
)
# DRF escapes these two (valid JSON, but not valid in JavaScript string literals).
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class FastJSONRenderer(JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            out = orjson.dumps(data, default=_ENCODER.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            # What orjson refuses (an int over 64 bits, a str subclass it cannot see
            # through): DRF's renderer decides, as before.
            return super().render(data, accepted_media_type, renderer_context)
        if _LINE_SEPARATOR in out or _PARAGRAPH_SEPARATOR in out:
            out = out.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return out
