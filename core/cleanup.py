"""Deletions of expired rows that apps above register for `manage.py cleanup_sessions`.

The command (sessions_ext) deletes expired sessions and tokens, then runs every
registered cleanup. Apps register from their `AppConfig.ready()`, keyed, so running
`ready()` twice replaces rather than duplicates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cleanup:
    key: str
    label: str  # plural noun for the command's report, e.g. "expired CSV import previews"
    delete: Callable[[dt.datetime], int]  # deletes what expired before `now`; returns how many
    count: Callable[[dt.datetime], int]  # the same count without deleting (dry run)


_registry: dict[str, Cleanup] = {}


def register_cleanup(cleanup: Cleanup) -> None:
    _registry[cleanup.key] = cleanup


def registered_cleanups() -> list[Cleanup]:
    return list(_registry.values())
