from django.urls import path
from rest_framework.routers import SimpleRouter

from sessions_ext import api, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("sessions/", views.session_list, name="session-list"),
    path(
        "sessions/revoke-others/",
        views.session_revoke_others_view,
        name="session-revoke-others",
    ),
    path(
        "sessions/<uuid:public_id>/revoke/",
        views.session_revoke_view,
        name="session-revoke",
    ),
]

router = SimpleRouter(trailing_slash=True)
router.register("sessions", api.SessionViewSet, basename="api-session")

api_urlpatterns = [
    path("auth/login/", api.LoginView.as_view(), name="api-login"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
    path("auth/me/", api.MeView.as_view(), name="api-me"),
    *router.urls,
]
