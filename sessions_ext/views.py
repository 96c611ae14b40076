"""Pages: sign-in, sign-out, password change, and "My sessions"."""

from __future__ import annotations

import uuid
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import InvalidInputError
from sessions_ext.client import describe_user_agent
from sessions_ext.forms import PasswordConfirmForm, RecheckedPasswordChangeForm
from sessions_ext.selectors import session_list_for_user
from sessions_ext.services import session_revoke, session_revoke_others


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    # A second sign-in by the same user goes through login() again, so the key rotates.
    redirect_authenticated_user = False
    attempts_left: int | None = None

    def form_invalid(self, form: Any) -> HttpResponse:
        # django-axes has counted this failure already (authenticate() signalled it).
        failures = AxesProxyHandler.get_failures(
            self.request, {"username": form.data.get("username", "")}
        )
        self.attempts_left = max(settings.AXES_FAILURE_LIMIT - failures, 0)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["attempts_left"] = self.attempts_left
        context["lockout_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context


class LogoutView(auth_views.LogoutView):
    next_page = "login"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("session-list")
    form_class = RecheckedPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Password changed. Every other session of yours has been signed out and your "
            "API tokens no longer work.",
        )
        return response


def _render_list(
    request: HttpRequest,
    form: PasswordConfirmForm,
    status: int = 200,
    revoke_error: tuple[uuid.UUID, str] | None = None,
) -> HttpResponse:
    sessions = [
        {
            "row": s,
            "device": describe_user_agent(s.user_agent),
            "current": s.session_key == request.session.session_key,
        }
        for s in session_list_for_user(user=request.user)
    ]
    return render(
        request,
        "sessions_ext/session_list.html",
        {
            "sessions": sessions,
            "session_limit": settings.SESSION_MAX_PER_USER,
            "form": form,
            "revoke_error_id": revoke_error[0] if revoke_error else None,
            "revoke_error": revoke_error[1] if revoke_error else "",
        },
        status=status,
    )


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, PasswordConfirmForm())


@login_required
@require_POST
def session_revoke_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    form = PasswordConfirmForm(request.POST)
    if not form.is_valid():
        error = (public_id, "Enter your password to sign out that session.")
        return _render_list(request, PasswordConfirmForm(), status=400, revoke_error=error)
    try:
        session_revoke(
            request=request,
            user=request.user,
            password=form.cleaned_data["password"],
            public_id=public_id,
        )
    except InvalidInputError as exc:
        error = (public_id, exc.detail)
        return _render_list(request, PasswordConfirmForm(), status=400, revoke_error=error)
    messages.success(request, "That session has been signed out.")
    return redirect("session-list")


@login_required
@require_POST
def session_revoke_others_view(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    try:
        revoked = session_revoke_others(
            request=request,
            user=request.user,  # type: ignore[arg-type]
            password=form.cleaned_data["password"],
            current_session_key=request.session.session_key,
        )
    except InvalidInputError as exc:
        form.add_error("password", exc.detail)
        return _render_list(request, form, status=400)
    messages.success(request, f"Signed out {revoked} other session{'s' if revoked != 1 else ''}.")
    return redirect("session-list")
