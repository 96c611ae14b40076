from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "attendance"
    verbose_name = "Attendance and call-outs"

    def ready(self) -> None:
        # The admin's "Deactivate" action (employees, a lower app) warns about future
        # schedules, and approved time off offers a call-out to cover its schedules,
        # through hooks this app registers; employees never imports us.
        from attendance.hooks import register

        register()
