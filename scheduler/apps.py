from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scheduler"

    def ready(self) -> None:
        from events.live_schedules import provide
        from scheduler import hooks  # noqa: F401 (the "schedule changed" hook's system check)
        from scheduler.models import Schedule

        # The events app reads live schedules through this, never importing us.
        provide(Schedule.objects.live)
