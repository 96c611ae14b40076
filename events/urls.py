"""Manager pages of the events app (server-rendered); the API is in core/api_urls.py."""

from django.urls import path

from events import views

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("events/", views.event_list, name="event-list"),
    path("search/", views.search, name="search"),
]
