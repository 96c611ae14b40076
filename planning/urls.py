"""Pages of the planning-system integration (the URLs and names it had in the events app)."""

from django.urls import path

from planning import views

urlpatterns = [
    path("planning/sync/", views.sync_now, name="planning-sync"),
    path("planning/", views.csv_import_page, name="planning-import"),
    path("planning/export/", views.csv_export, name="planning-export"),
]
