from django.urls import path
from rest_framework.routers import SimpleRouter

from core.roles import employee_access
from sessions_ext import api, views

# Every view here is open to the employee role too (their own sign-in and sessions).

urlpatterns = [
    path("login/", employee_access(views.LoginView.as_view()), name="login"),
    path("logout/", employee_access(views.LogoutView.as_view()), name="logout"),
    path("password/", employee_access(views.PasswordChangeView.as_view()), name="password-change"),
    path("sessions/", employee_access(views.session_list), name="session-list"),
    path(
        "sessions/revoke-others/",
        employee_access(views.session_revoke_others_view),
        name="session-revoke-others",
    ),
    path(
        "sessions/<uuid:public_id>/revoke/",
        employee_access(views.session_revoke_view),
        name="session-revoke",
    ),
]

router = SimpleRouter(trailing_slash=True)
router.register("sessions", employee_access(api.SessionViewSet), basename="api-session")

api_urlpatterns = [
    path("auth/login/", employee_access(api.LoginView.as_view()), name="api-login"),
    path("auth/logout/", employee_access(api.LogoutView.as_view()), name="api-logout"),
    path("auth/me/", employee_access(api.MeView.as_view()), name="api-me"),
    *router.urls,
]
