from django.urls import path

from scheduler.urls import IsoDayConverter  # noqa: F401  (registers the isoday converter)
from selfservice import views

urlpatterns = [
    path("me/", views.me_home, name="me-home"),
    path("me/notices/", views.me_notices, name="me-notices"),
    path("me/calendar/", views.me_calendar, name="me-calendar"),
    path("me/requests/", views.me_requests, name="me-requests"),
    path("me/requests/<int:pk>/cancel/", views.me_request_cancel, name="me-request-cancel"),
    path(
        "me/set-password/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="me-set-password",
    ),
    path("me/set-password/done/", views.SetPasswordDoneView.as_view(), name="me-set-password-done"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("week/<isoday:day>/publish/", views.week_publish_view, name="week-publish"),
    path("requests/", views.request_inbox, name="request-inbox"),
    path(
        "requests/<int:pk>/approve/",
        views.request_decide,
        {"decision": "approve"},
        name="request-approve",
    ),
    path(
        "requests/<int:pk>/deny/", views.request_decide, {"decision": "deny"}, name="request-deny"
    ),
]
