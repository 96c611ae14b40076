from django.apps import AppConfig


class SessionsExtConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_ext"
    verbose_name = "Sessions"

    def ready(self) -> None:
        from sessions_ext import signals  # noqa: F401 (connects the receivers)
