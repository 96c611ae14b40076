from django.apps import AppConfig


class SessionsExtConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_ext"
