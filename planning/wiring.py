"""What the planning app plugs into the apps below it, at start-up (PlanningConfig.ready).

Each registration is keyed, so running this twice replaces rather than duplicates.
"""

from __future__ import annotations

from core.cleanup import Cleanup, register_cleanup
from core.panels import Panel, register_panel
from planning.imports import csv_imports_count_expired, csv_imports_delete_expired
from planning.push import outbox_on_schedule_changed
from planning.selectors import push_state_of, sync_panel
from scheduler.hooks import on_schedule_changed

OUTBOX_HOOK_KEY = "planning.push_outbox"


def register() -> None:
    # Every schedule change queues its push in the change's own transaction.
    on_schedule_changed(key=OUTBOX_HOOK_KEY, handler=outbox_on_schedule_changed, feature="sync")
    register_panel(
        Panel(
            slot="dashboard",
            key="planning.sync",
            template="planning/_sync_panel.html",
            data=sync_panel,
        )
    )
    register_panel(
        Panel(
            slot="event_facts",
            key="planning.push",
            template="planning/_push_state.html",
            data=push_state_of,
        )
    )
    # Abandoned CSV import previews (and their files) go with the expired sessions.
    register_cleanup(
        Cleanup(
            key="planning.csv_imports",
            label="expired CSV import previews",
            delete=csv_imports_delete_expired,
            count=csv_imports_count_expired,
        )
    )
