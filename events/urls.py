"""Manager pages of the events app (server-rendered); the API is in core/api_urls.py."""

from django.urls import path

from events import views
from events.planning import views as planning_views

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("events/", views.event_list, name="event-list"),
    path("search/", views.search, name="search"),
    path("planning/sync/", planning_views.sync_now, name="planning-sync"),
    path("planning/", planning_views.csv_import_page, name="planning-import"),
    path("planning/export/", planning_views.csv_export, name="planning-export"),
]
