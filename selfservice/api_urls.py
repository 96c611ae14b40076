from django.urls import path

from scheduler.urls import IsoDayConverter  # noqa: F401  (registers the isoday converter)
from selfservice import api

urlpatterns = [
    path("me/schedules/", api.MyScheduleListView.as_view(), name="api-me-schedules"),
    path("me/requests/", api.MyRequestListView.as_view(), name="api-me-requests"),
    path(
        "me/requests/<int:pk>/cancel/",
        api.MyRequestCancelView.as_view(),
        name="api-me-request-cancel",
    ),
    path("requests/", api.RequestListView.as_view(), name="api-requests"),
    path(
        "weeks/<isoday:day>/publication/",
        api.WeekPublicationView.as_view(),
        name="api-week-publication",
    ),
    path(
        "requests/<int:pk>/approve/",
        api.RequestDecideView.as_view(decision="approve"),
        name="api-request-approve",
    ),
    path(
        "requests/<int:pk>/deny/",
        api.RequestDecideView.as_view(decision="deny"),
        name="api-request-deny",
    ),
]
