"""Pages of the day itself; the API is in core/api_urls.py."""

from django.urls import path

from attendance import views

urlpatterns = [
    path("attendance/", views.attendance_month_view, name="attendance-month"),
    path("attendance/export.csv", views.attendance_export_view, name="attendance-export"),
    path("attendance/schedules/<int:pk>/", views.attendance_mark_view, name="attendance-mark"),
    path("attendance/call-out/<int:pk>/", views.callout_view, name="callout"),
    path("attendance/call-out/<int:pk>/apply/", views.callout_apply_view, name="callout-apply"),
    path("attendance/call-outs/<int:pk>/", views.callout_detail_view, name="callout-detail"),
    path("events/unreported/", views.unreported_view, name="unreported"),
    path("events/unreported/<int:pk>/reissue/", views.reissue_view, name="unreported-reissue"),
    path("events/unreported.csv", views.unreported_export_view, name="unreported-export"),
]
