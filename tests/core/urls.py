from django.urls import path

from core.urls import handler400, handler403, handler404, handler500, urlpatterns
from tests.core import error_views

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

# Before the project's patterns, which end with a catch-all for /api/.
urlpatterns = [
    path("api/test/raise/<str:kind>/", error_views.RaiseView.as_view()),
    path("api/test/order/", error_views.OrderView.as_view()),
    path("api/test/private/", error_views.PrivateView.as_view()),
    path("api/test/sync/", error_views.SyncView.as_view()),
    path("api/test/plain/<str:kind>/", error_views.page_raise),
    path("test/raise/<str:kind>/", error_views.page_raise),
    path("test/sync/", error_views.sync_page),
    *urlpatterns,
]
