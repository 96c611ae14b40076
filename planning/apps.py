from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """The planning-system integration: sync, CSV import/export and the push outbox.

    It sits above the scheduler: the scheduler never imports it. At start-up it
    registers the push outbox as a handler of the scheduler's "schedule changed" hook
    and its panels on the dashboard and the event page.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "planning"
    verbose_name = "Planning system"

    def ready(self) -> None:
        from planning import wiring

        wiring.register()
