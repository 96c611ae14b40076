"""Pages of the planning-system integration (the URLs and names it had in the events app)."""

from django.urls import path

from planning import views

urlpatterns = [
    path("planning/sync/", views.sync_now, name="planning-sync"),
    path("planning/", views.csv_import_page, name="planning-import"),
    path("planning/export/", views.csv_export, name="planning-export"),
    path("planning/imports/<int:pk>/", views.csv_import_detail, name="planning-import-detail"),
    path(
        "planning/imports/<int:pk>/progress/",
        views.csv_import_progress,
        name="planning-import-progress",
    ),
    path(
        "planning/imports/<int:pk>/confirm/",
        views.csv_import_confirm_view,
        name="planning-import-confirm",
    ),
]
