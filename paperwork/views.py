"""Paperwork pages: the portal sign-in, a day's paperwork, packet builds and downloads.

Managers and staff only (others get the 403 page). Every portal call uses the signed-in
user's own portal session. Views parse, call a service or selector, and render.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.exceptions import ApplicationError
from core.features import get_feature, require_feature
from core.roles import manager_required
from events.models import Event
from paperwork.builds import packet_build_start
from paperwork.forms import CodeForm
from paperwork.models import PacketBuild
from paperwork.selectors import (
    note_last_build,
    packet_build_of,
    packet_builds,
    packet_plan,
    portal_session_of,
)
from paperwork.services import portal_session_end, portal_sign_in_start, portal_sign_in_verify
from scheduler.selectors import live_schedule_of


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    return (
        target
        if target.startswith("/") and not target.startswith("//")
        else reverse("paperwork-portal")
    )


@manager_required
@require_feature("edr")
@require_safe
def portal_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "paperwork/portal.html",
        {
            "session": portal_session_of(request.user),
            "form": CodeForm(),
            "next": request.GET.get("next", ""),
        },
    )


@manager_required
@require_feature("edr")
@require_POST
def portal_send_code(request: HttpRequest) -> HttpResponse:
    try:
        portal_sign_in_start(user=request.user)
    except ApplicationError as exc:
        messages.error(request, f"No code sent: {exc.detail} (error id {exc.error_id})")
    else:
        messages.success(request, "A code was sent by SMS to the portal account's phone.")
    query = f"?next={quote(_back(request))}" if request.POST.get("next") else ""
    return redirect(reverse("paperwork-portal") + query)


@manager_required
@require_feature("edr")
@require_POST
def portal_verify(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the code from the SMS.")
        return redirect("paperwork-portal")
    try:
        portal_sign_in_verify(user=request.user, code=form.cleaned_data["code"])
    except ApplicationError as exc:
        messages.error(
            request,
            f"Not signed in: {exc.detail}"
            + (f" (error id {exc.error_id})" if exc.status >= 500 else ""),
        )
        return redirect("paperwork-portal")
    messages.success(request, "Signed in to the retailer portal.")
    return redirect(_back(request))


@manager_required
@require_POST
def portal_sign_out(request: HttpRequest) -> HttpResponse:
    portal_session_end(user=request.user)
    messages.success(request, "Signed out of the retailer portal.")
    return redirect(_back(request))


@manager_required
@require_safe
def day_paperwork(request: HttpRequest, day: dt.date) -> HttpResponse:
    plan = packet_plan(day)
    builds = packet_builds(day, user=request.user)
    note_last_build(plan, builds)
    return render(
        request,
        "paperwork/day.html",
        {
            "day": day,
            "plan": plan,
            "builds": builds,
            "session": portal_session_of(request.user) if plan.edr_enabled else None,
            "edr_feature": get_feature("edr"),
            "next_day": day + dt.timedelta(days=1),
            "previous_day": day - dt.timedelta(days=1),
        },
    )


@manager_required
@require_POST
def day_build(request: HttpRequest, day: dt.date) -> HttpResponse:
    try:
        build = packet_build_start(user=request.user, day=day)
    except ApplicationError as exc:
        messages.error(request, f"Not built: {exc.detail}")
        return redirect("paperwork-day", day=day)
    return redirect("paperwork-packet", pk=build.pk)


@manager_required
@require_POST
def event_build(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    schedule = live_schedule_of(event.pk)
    if schedule is None:
        messages.error(request, "Not built: the event is not scheduled.")
        return redirect("event-detail", pk=pk)
    try:
        build = packet_build_start(user=request.user, day=schedule.work_date, event_id=event.pk)
    except ApplicationError as exc:
        messages.error(request, f"Not built: {exc.detail}")
        return redirect("event-detail", pk=pk)
    return redirect("paperwork-packet", pk=build.pk)


@manager_required
@require_safe
def packet_view(request: HttpRequest, pk: int) -> HttpResponse:
    build = get_object_or_404(PacketBuild.objects.defer("pdf").select_related("event"), pk=pk)
    session = portal_session_of(request.user)
    return render(
        request,
        "paperwork/packet.html",
        {
            "build": build,
            "here": reverse("paperwork-packet", args=[pk]),
            # After a build that met an ended portal session: the way to a new code.
            "needs_sign_in": get_feature("edr").usable and not (session and session.is_active),
        },
    )


@manager_required
@require_safe
def packet_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress of a build for the page's progress bar (one query)."""
    build = get_object_or_404(PacketBuild.objects.defer("pdf"), pk=pk)
    return JsonResponse(
        {
            "status": build.status,
            "done": build.progress_done,
            "total": build.progress_total,
            "percent": build.percent,
            "finished": build.is_finished,
        }
    )


@manager_required
@require_safe
def packet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    build = packet_build_of(pk)
    if build is None or build.status != PacketBuild.Status.DONE:
        return render(request, "404.html", status=404)
    data = PacketBuild.objects.filter(pk=pk).values_list("pdf", flat=True).get()
    response = HttpResponse(bytes(data or b""), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{build.file_name}"'
    return response
