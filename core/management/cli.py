"""What the management commands share: their date arguments and their progress bar."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentTypeError
from typing import Any


def iso_date(value: str) -> dt.date:
    """An argparse `type` for a YYYY-MM-DD day; argparse names the option in the error."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"Not a date (YYYY-MM-DD): {value[:20]!r}") from None


class ProgressBar:
    """A one-line bar on a stream (stderr): `events  [#######...]  70% 7000/10000`.

    A new `stage` starts a new line; a finished stage ends its line.
    """

    def __init__(self, stream: Any, *, unit: str = "", width: int = 30) -> None:
        self.stream, self.unit, self.width = stream, unit, width
        self._stage = ""

    def __call__(self, done: int, total: int, *, stage: str = "") -> None:
        if self._stage and stage != self._stage:
            self.stream.write("\n")
        self._stage = stage
        filled = self.width * done // total if total else self.width
        percent = 100 * done // total if total else 100
        bar = "#" * filled + "." * (self.width - filled)
        label = f"{stage:<10} " if stage else ""
        unit = f" {self.unit}" if self.unit else ""
        self.stream.write(f"\r{label}[{bar}] {percent:3d}% {done}/{total}{unit}")
        if done >= total:
            self.stream.write("\n")
            self._stage = ""
        self.stream.flush()
