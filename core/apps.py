from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core import checks  # noqa: F401 (registers the system checks)

        post_migrate.connect(_ensure_roles, dispatch_uid="core_ensure_roles")


def _ensure_roles(sender: AppConfig, **kwargs: object) -> None:
    # Permissions are created by post_migrate too; wait until the scheduler's exist.
    if sender.label == "scheduler":
        from core.roles import ensure_manager_group

        ensure_manager_group()
