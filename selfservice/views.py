"""Self-service pages: /me/ (my schedule, calendar link, time-off requests, notices),
the calendar feed, the set-password page, and the managers' request inbox.

Every page an employee account may open is marked `employee_access` (core.roles); each
shows only the signed-in employee's own data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.dates import format_day
from core.exceptions import ApplicationError, InvalidInputError
from core.features import get_feature, require_feature
from core.roles import employee_access, is_manager, manager_required
from selfservice import selectors, services
from selfservice.feeds import build_calendar, etag_of
from selfservice.forms import (
    DecisionForm,
    EmployeeSetPasswordForm,
    NoticesForm,
    PublishForm,
    TimeOffRequestForm,
)
from selfservice.models import RequestStatus


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.error_list:
            form.add_error(None, error)


def feeds_usable() -> bool:
    return get_feature("calendar_feeds").usable


# --- My schedule ---------------------------------------------------------------------


@employee_access
@login_required
@require_GET
def me_home(request: HttpRequest) -> HttpResponse:
    employee = selectors.employee_of_user(request.user)
    now = timezone.now()
    prefs = selectors.preferences_of(employee.pk)
    overview = selectors.my_overview(employee=employee, today=timezone.localdate(now), prefs=prefs)
    services.preferences_mark_seen(employee_id=employee.pk, at=now)
    return render(
        request,
        "selfservice/me.html",
        {
            "employee": employee,
            "overview": overview,
            "today": timezone.localdate(now),
            "feeds_on": feeds_usable(),
            "notices_form": NoticesForm(
                initial={"notices_enabled": prefs.notices_enabled if prefs else True}
            ),
        },
    )


@employee_access
@login_required
@require_POST
def me_notices(request: HttpRequest) -> HttpResponse:
    employee = selectors.employee_of_user(request.user)
    form = NoticesForm(request.POST)
    form.is_valid()
    enabled = bool(form.cleaned_data.get("notices_enabled"))
    services.preferences_set_notices(employee_id=employee.pk, enabled=enabled)
    messages.success(request, "Email notices are on." if enabled else "Email notices are off.")
    return redirect("me-home")


# --- Calendar link -------------------------------------------------------------------


def _webcal(request: HttpRequest, token: str) -> str:
    url = request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": token}))
    return "webcal://" + url.split("://", 1)[1]


@employee_access
@login_required
@require_feature("calendar_feeds")
def me_calendar(request: HttpRequest) -> HttpResponse:
    employee = getattr(request.user, "employee", None)
    manager = is_manager(request.user)
    if employee is None and not manager:
        raise Http404("This account does not belong to an employee.")
    if request.method == "POST":
        which = request.POST.get("feed")
        if which == "team" and manager:
            services.calendar_feed_renew(user_id=request.user.pk)
            messages.success(request, "New team link made; the old one no longer works.")
        elif which == "mine" and employee is not None:
            services.calendar_feed_renew(employee_id=employee.pk)
            messages.success(request, "New link made; the old one no longer works.")
        else:
            return HttpResponse("Unknown calendar.", status=400)
        return redirect("me-calendar")
    mine = selectors.feed_of_employee(employee.pk) if employee is not None else None
    team = selectors.team_feed_of_user(request.user.pk or 0) if manager else None
    return render(
        request,
        "selfservice/calendar.html",
        {
            "employee": employee,
            "manager": manager,
            "mine_url": _webcal(request, services.calendar_feed_token(mine)) if mine else None,
            "can_manage": manager,
            "team_url": _webcal(request, services.calendar_feed_token(team)) if team else None,
        },
    )


FEED_CACHE_SECONDS = 24 * 60 * 60


def _feed_body(feed: Any, *, etag: str, now: Any) -> bytes:
    """The document, from this worker's cache while its fingerprint (the ETag) holds."""
    key = f"selfservice:feed:{etag}"
    body = cache.get(key)
    if body is None:
        if feed.employee is not None:
            name = f"{feed.employee.name} · Event Scheduler"
        else:
            name = "Team schedule · Event Scheduler"
        body = build_calendar(
            name=name,
            schedules=selectors.feed_schedules(feed=feed, now=now),
            team=feed.is_team,
        )
        cache.set(key, body, FEED_CACHE_SECONDS)
    return bytes(body)


@employee_access
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics document; no session. Off or unknown: a plain 404 (calendar apps read no
    problem JSON). Two queries (the feed, its fingerprint) and a third to build the
    document when it changed; repeats with the ETag get a 304."""
    if not feeds_usable():
        raise Http404("No such calendar.")
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404("No such calendar.")
    now = timezone.now()
    etag = etag_of(selectors.feed_fingerprint(feed=feed, now=now))
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(
            _feed_body(feed, etag=etag, now=now), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


# --- Time-off requests (employee) ----------------------------------------------------


@employee_access
@login_required
def me_requests(request: HttpRequest) -> HttpResponse:
    employee = selectors.employee_of_user(request.user)
    form = TimeOffRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.timeoff_request_create(
                    employee_id=employee.pk,
                    start_date=form.cleaned_data["start_date"],
                    end_date=form.cleaned_data["end_date"],
                    reason=form.cleaned_data["reason"],
                    today=timezone.localdate(),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Request sent. A manager will decide on it.")
                return redirect("me-requests")
        status = 400
    return render(
        request,
        "selfservice/my_requests.html",
        {
            "employee": employee,
            "form": form,
            "requests": list(selectors.requests_of_employee(employee.pk)),
            "today": timezone.localdate(),
        },
        status=status,
    )


@employee_access
@login_required
@require_POST
def me_request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    employee = selectors.employee_of_user(request.user)
    try:
        services.timeoff_request_cancel(employee_id=employee.pk, request_id=pk)
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Request canceled.")
    return redirect("me-requests")


# --- Set password (the link from the account email) ----------------------------------


@employee_access
class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "selfservice/set_password.html"
    form_class = EmployeeSetPasswordForm
    success_url = reverse_lazy("me-set-password-done")
    post_reset_login = False


@employee_access
class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "selfservice/set_password_done.html"


# --- The managers' inbox -------------------------------------------------------------

INBOX_DECIDED = 50


def _render_inbox(
    request: HttpRequest, *, status: int = 200, errors: Any = None, approved: int | None = None
) -> HttpResponse:
    pending = list(selectors.request_list(status=RequestStatus.PENDING))
    decided = list(
        selectors.request_list()
        .exclude(status=RequestStatus.PENDING)
        .order_by("-decided_at", "-id")[:INBOX_DECIDED]
    )
    return render(
        request,
        "selfservice/inbox.html",
        {
            "can_manage": True,
            "rows": selectors.request_inbox(pending),
            "decided": decided,
            "errors": errors or {},
            "follow_up": (
                selectors.approval_follow_up(approved, today=timezone.localdate())
                if approved
                else None
            ),
        },
        status=status,
    )


@manager_required
@require_GET
def request_inbox(request: HttpRequest) -> HttpResponse:
    """Pending requests first; after an approval (`?approved=<id>`), the schedules of
    those days still to cover, with the call-out when the attendance app offers it."""
    raw = request.GET.get("approved", "")
    return _render_inbox(request, approved=int(raw) if raw.isdigit() and len(raw) < 12 else None)


@manager_required
@require_POST
def request_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        if decision == "approve":
            req = services.timeoff_request_approve(request_id=pk, by=request.user, note=note)
            messages.success(
                request,
                f"Approved: {req.employee.name} is off {format_day(req.start_date)}"
                + (f" to {format_day(req.end_date)}." if req.end_date != req.start_date else "."),
            )
            return redirect(reverse("request-inbox") + f"?approved={req.pk}")
        else:
            req = services.timeoff_request_deny(request_id=pk, by=request.user, note=note)
            messages.success(request, f"Denied: {req.employee.name} has been told why.")
    except ValidationError as exc:
        text = " ".join(exc.messages)
        return _render_inbox(request, status=400, errors={pk: text})
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        return _render_inbox(request, status=exc.status, errors={pk: exc.detail})
    return redirect("request-inbox")


# --- Publishing a week ---------------------------------------------------------------


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def week_publish_view(request: HttpRequest, day: dt.date) -> HttpResponse:
    """Review what changed in the week since it was last published, per employee, with
    the digest each would get; "Publish" records it and writes the digests."""
    error = ""
    status = 200
    if request.method == "POST":
        form = PublishForm(request.POST)
        try:
            if not form.is_valid():
                raise InvalidInputError("Review the week before publishing it.")
            publication = services.week_publish(
                day=day, by=request.user, basis=form.cleaned_data["basis"]
            )
        except ApplicationError as exc:
            error, status = exc.detail, exc.status
        else:
            told = publication.digests
            messages.success(
                request,
                f"Week of {publication.week_start:%a} {publication.week_start.day} "
                f"{publication.week_start:%b} published: "
                + (
                    f"{told} employee{'s' if told != 1 else ''} will get their week by email."
                    if told
                    else "nobody to email (notices off, or no email address)."
                ),
            )
            return redirect("week", day=publication.week_start)
    preview = selectors.week_preview(day)
    return render(
        request,
        "selfservice/publish.html",
        {
            "can_manage": True,
            "preview": preview,
            "error": error,
            "feeds_on": feeds_usable(),
        },
        status=status,
    )
