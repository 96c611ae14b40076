"""Paperwork pages and the portal sign-in API."""

from django.urls import path

from paperwork import api, views
from scheduler.urls import IsoDayConverter  # noqa: F401  (registers the isoday converter)

urlpatterns = [
    path("day/<isoday:day>/paperwork/", views.day_paperwork, name="paperwork-day"),
    path("day/<isoday:day>/paperwork/build/", views.day_build, name="paperwork-build"),
    path("events/<int:pk>/paperwork/", views.event_build, name="paperwork-event-build"),
    path("paperwork/packets/<int:pk>/", views.packet_view, name="paperwork-packet"),
    path(
        "paperwork/packets/<int:pk>/progress/",
        views.packet_progress,
        name="paperwork-packet-progress",
    ),
    path("paperwork/packets/<int:pk>/packet.pdf", views.packet_pdf, name="paperwork-packet-pdf"),
    path("paperwork/portal/", views.portal_view, name="paperwork-portal"),
    path("paperwork/portal/send-code/", views.portal_send_code, name="paperwork-portal-send"),
    path("paperwork/portal/verify/", views.portal_verify, name="paperwork-portal-verify"),
    path("paperwork/portal/sign-out/", views.portal_sign_out, name="paperwork-portal-sign-out"),
]

# Under /api/v1/ (core/api_urls.py).
api_urlpatterns = [
    path("paperwork/portal/code/", api.PortalCodeView.as_view(), name="api-portal-code"),
    path(
        "paperwork/portal/session/",
        api.PortalSessionView.as_view(),
        name="api-portal-session",
    ),
]
