from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.health import HealthView, liveness
from core.views import api_not_found, favicon

admin.site.site_header = "Event Scheduler admin"
admin.site.site_title = "Event Scheduler admin"
admin.site.index_title = "Data"

# The API first, under one prefix: its requests skip the pages' patterns (each one tried
# costs a regular expression; a list request is a few milliseconds in all).
api_patterns: list[URLPattern | URLResolver] = [
    path("health/", HealthView.as_view(), name="api-health"),
    path("health/live/", liveness, name="api-health-live"),
    path("v1/", include("core.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its set-up script from /api/docs/?script: no inline script,
    # as the Content-Security-Policy asks (templates/drf_spectacular/swagger_ui.html).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    # Last: any other /api/ URL is a 404 problem, also with DEBUG on (whose 404 page
    # would otherwise be HTML).
    re_path(r"", api_not_found),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    # Manager pages. Until the dashboard exists, the start page is the unscheduled list.
    path("", include("attendance.urls")),
    path("", include("events.urls")),
    path("", include("scheduler.urls")),
    path("", include("planning.urls")),
    path("", include("paperwork.urls")),
    path("employees/", include("scheduler.employee_urls")),
    path("", include("selfservice.urls")),
    path("accounts/", include("sessions_ext.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
