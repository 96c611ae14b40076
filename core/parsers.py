"""The API's request body parser."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering a body nested too deeply as a 400 `parse_error`.

    `[[[[…]]]]` a hundred thousand deep (200 KB, under the size limit) makes Python's
    decoder raise RecursionError, which is no ValueError: DRF let it through as a 500.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
