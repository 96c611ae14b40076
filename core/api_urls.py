"""/api/v1/: every versioned endpoint, one router."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from attendance.api import AttendanceListView, CallOutView, ScheduleAttendanceView
from employees.api import EmployeeViewSet
from events.api import EventViewSet
from paperwork.urls import api_urlpatterns as paperwork_urlpatterns
from planning.api import SyncView
from scheduler.api import CandidatesView, ScheduleViewSet
from sessions_ext.urls import api_urlpatterns as sessions_urlpatterns

router = SimpleRouter(trailing_slash=True)
router.register("employees", EmployeeViewSet, basename="api-employee")
router.register("events", EventViewSet, basename="api-event")
router.register("schedules", ScheduleViewSet, basename="api-schedule")

urlpatterns = [
    path("events/<int:pk>/candidates/", CandidatesView.as_view(), name="api-event-candidates"),
    path("sync/", SyncView.as_view(), name="api-sync"),
    path("employees/<int:pk>/call-out/", CallOutView.as_view(), name="api-employee-call-out"),
    path(
        "schedules/<int:pk>/attendance/",
        ScheduleAttendanceView.as_view(),
        name="api-schedule-attendance",
    ),
    path("attendance/", AttendanceListView.as_view(), name="api-attendance"),
    *router.urls,
    *sessions_urlpatterns,
    *paperwork_urlpatterns,
    path("", include("selfservice.api_urls")),
]
