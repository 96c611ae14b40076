"""Manager pages of this app (server-rendered); the API is in core/api_urls.py."""

from django.urls import path  # noqa: F401 (used as pages are added)

urlpatterns: list = []
