"""Manager pages of the events app (server-rendered); the API is in core/api_urls.py."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    # Replaced by the dashboard.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
