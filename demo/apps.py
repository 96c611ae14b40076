from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data generator (`manage.py seed_demo`): above every domain app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo data"
