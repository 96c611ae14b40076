"""The API's request body parser."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _has_lone_surrogate(data: Any) -> bool:
    """Any string (key or value) holding half of a UTF-16 pair: JSON's `\\ud800` escape
    decodes to one, which no UTF-8 text (a response, a log line, the database) can carry."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing as a 400 `parse_error` what it let through as a 500:

    - a document nested too deeply: `[[[[…]]]]` a hundred thousand deep (200 KB, under
      the size limit) makes Python's decoder raise RecursionError, which is no ValueError;
    - a string with a lone surrogate (`"\\ud800"`): it decodes, then breaks whatever
      encodes it as UTF-8 — the error message echoing it, or the database.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        if _has_lone_surrogate(data):
            raise ParseError(
                "JSON parse error - a string holds an unpaired surrogate (\\ud800-\\udfff)."
            )
        return data
