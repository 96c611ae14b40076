"""What the self-service app plugs into the apps below it, at start-up
(SelfServiceConfig.ready). Each registration is keyed: running this twice replaces,
never duplicates."""

from __future__ import annotations

from core.employee_access import set_employee_home
from core.panels import Panel, register_panel
from scheduler.hooks import on_schedule_changed
from selfservice.changes import HOOK_KEY, notice_on_schedule_changed
from selfservice.selectors import publish_panel


def register() -> None:
    set_employee_home("/me/")
    # After a week is published, a change to it writes the employees' change notices in
    # the change's own transaction.
    on_schedule_changed(key=HOOK_KEY, handler=notice_on_schedule_changed)
    # The manager's week view links to "Publish week" (the scheduler never imports us).
    register_panel(
        Panel(
            slot="week_actions",
            key="selfservice.publish",
            template="selfservice/_publish_panel.html",
            data=publish_panel,
        )
    )
