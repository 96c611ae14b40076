"""What a sync or import did: counts and the row report (shared by the sync steps)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from planning.records import RowError

BATCH_SIZE = 1000  # records per bulk read / upsert

Progress = Callable[[str, int, int], None]


@dataclass
class Outcome:
    """What one sync or import did (or, in a dry run, would do)."""

    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    conflicts: int = 0
    schedules_imported: int = 0
    marked_missing: int = 0
    errors: list[RowError] = field(default_factory=list)
    seen_refs: set[int] = field(default_factory=set)

    def error(self, row: int, ref: Any, reason: str, kind: str = "skipped") -> None:
        self.errors.append(RowError(row=row, ref=str(ref), reason=reason, kind=kind))
        if kind == "skipped":
            self.skipped += 1
        elif kind == "conflict":
            self.conflicts += 1

    def counts(self) -> dict[str, int]:
        return {
            "fetched": self.fetched,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "conflicts": self.conflicts,
            "schedules_imported": self.schedules_imported,
            "marked_missing": self.marked_missing,
        }


def no_progress(stage: str, done: int, total: int) -> None:
    return None
