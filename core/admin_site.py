"""The admin for office staff: the technical models (sign-in attempts, API tokens,
background tasks, sync runs, the push outbox, sessions) are grouped under one "System"
section that only superusers see."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

# (app label, model name) of what office staff never need to open.
SYSTEM_MODELS = frozenset(
    {
        ("axes", "AccessAttempt"),
        ("axes", "AccessFailureLog"),
        ("axes", "AccessLog"),
        ("knox", "AuthToken"),
        ("django_tasks_database", "DBTaskResult"),
        ("planning", "SyncRun"),
        ("planning", "PendingPush"),
        ("sessions_ext", "UserSession"),
    }
)


class SchedulerAdminSite(admin.AdminSite):
    # The lists need the width more than a second copy of the index (at 1280 px the
    # sidebar cut off the lists' right-hand columns).
    enable_nav_sidebar = False

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        if app_label == "system":
            return [app for app in self._grouped(request) if app["app_label"] == "system"]
        apps = self._grouped(request)
        if app_label is not None:
            return [app for app in apps if app["app_label"] == app_label]
        return apps

    def _grouped(self, request: HttpRequest) -> list[dict[str, Any]]:
        apps = super().get_app_list(request)
        system: list[dict[str, Any]] = []
        kept = []
        for app in apps:
            models = []
            for model in app["models"]:
                if (app["app_label"], model["object_name"]) in SYSTEM_MODELS:
                    system.append({**model, "name": f"{model['name']} ({app['name']})"})
                else:
                    models.append(model)
            if models:
                kept.append({**app, "models": models})
        if system and request.user.is_superuser:
            kept.append(
                {
                    "name": "System",
                    "app_label": "system",
                    "app_url": "",
                    "has_module_perms": True,
                    "models": sorted(system, key=lambda m: m["name"]),
                }
            )
        return kept


class SchedulerAdminConfig(AdminConfig):
    default_site = "core.admin_site.SchedulerAdminSite"
