"""Auto-scheduler pages (docs/rules.md, the auto-scheduler): start a run, watch its
progress, review, edit, drop, approve (all or selected) or reject its proposals.

Every page needs the `auto_scheduler` feature (AUTO_SCHEDULER_ENABLED); reading needs
a signed-in user, every change a manager. Views parse, call a service, and render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.dates import format_moment
from core.exceptions import ConflictError, InvalidInputError
from core.features import require_feature
from core.fields import DayFormField
from core.roles import is_manager, manager_required
from employees.models import Employee
from events.types import EventType
from scheduler.auto_selectors import (
    ReviewFilters,
    auto_run_list,
    auto_run_review,
    proposal_choices,
)
from scheduler.auto_services import (
    auto_run_approve,
    auto_run_reject,
    auto_run_start,
    auto_settings,
    default_horizon,
    proposal_drop,
    proposal_update,
)
from scheduler.forms import DateInput, TimeInput, store_start
from scheduler.models import AutoProposal, AutoRun
from scheduler.views.common import refusal_of

FEATURE = "auto_scheduler"


class AutoRunForm(forms.Form):
    first_day = DayFormField(label="From", widget=DateInput)
    last_day = DayFormField(label="To", widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            raise forms.ValidationError("“To” is before “From”.")
        return data


class ProposalForm(forms.Form):
    employee = forms.ModelChoiceField(
        label="Employee",
        queryset=Employee.objects.active(),
        required=False,
        error_messages={"invalid_choice": "No such employee."},
    )
    date = DayFormField(label="Date", required=False, widget=DateInput)
    time = forms.TimeField(label="Start", required=False, widget=TimeInput)


@login_required
@require_feature(FEATURE)
@require_safe
def auto_run_list_view(request: HttpRequest) -> HttpResponse:
    first, last = default_horizon()
    return render(
        request,
        "scheduler/auto_list.html",
        {
            "runs": list(auto_run_list()[:50]),
            "form": AutoRunForm(initial={"first_day": first, "last_day": last}),
            "settings": auto_settings(),
            "can_manage": is_manager(request.user),
        },
    )


@manager_required
@require_feature(FEATURE)
@require_POST
def auto_run_start_view(request: HttpRequest) -> HttpResponse:
    form = AutoRunForm(request.POST)
    if not form.is_valid():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"Not started: {problems}")
        return redirect("auto-runs")
    try:
        run = auto_run_start(
            by=request.user,
            first_day=form.cleaned_data["first_day"],
            last_day=form.cleaned_data["last_day"],
        )
    except InvalidInputError as exc:
        messages.error(request, f"Not started: {exc.detail}")
        return redirect("auto-runs")
    return redirect("auto-run", pk=run.pk)


class ReviewFilterForm(forms.Form):
    """The review page's filters (a GET form); what does not parse is left out."""

    day = forms.DateField(label="Day", required=False, widget=DateInput)
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Every type"), *EventType.choices]
    )
    employee = forms.IntegerField(label="Employee", required=False, min_value=1)
    warnings = forms.BooleanField(label="With warnings", required=False)
    left_out = forms.BooleanField(label="Left out only", required=False)

    def filters(self) -> ReviewFilters:
        if not self.is_valid():
            return ReviewFilters()
        data = self.cleaned_data
        return ReviewFilters(
            day=data["day"],
            event_type=data["type"],
            employee_id=data["employee"],
            with_warnings=data["warnings"],
            left_out=data["left_out"],
        )


@login_required
@require_feature(FEATURE)
@require_safe
def auto_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(auto_run_list(), pk=pk)
    filter_form = ReviewFilterForm(request.GET or None)
    review = auto_run_review(run, filter_form.filters()) if run.is_finished else None
    return render(
        request,
        "scheduler/auto_run.html",
        {
            "run": run,
            "review": review,
            "filter_form": filter_form,
            "can_manage": is_manager(request.user) and run.is_open,
            "here": reverse("auto-run", args=[run.pk]),
        },
    )


@login_required
@require_feature(FEATURE)
@require_safe
def auto_run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress of a run for the page's progress bar (one query)."""
    run = get_object_or_404(AutoRun, pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "done": run.progress_done,
            "total": run.progress_total,
            "percent": run.percent,
            "finished": run.is_finished,
            "placed": run.placed_count,
            "unplaced": run.unplaced_count,
        }
    )


@manager_required
@require_feature(FEATURE)
@require_POST
def auto_run_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(AutoRun, pk=pk)
    ids = None
    if request.POST.get("which") == "selected":
        ids = [int(raw) for raw in request.POST.getlist("proposal") if raw.isdigit()]
        if not ids:
            messages.error(request, "Select the proposals to approve.")
            return redirect("auto-run", pk=pk)
    try:
        outcomes = auto_run_approve(run=run, by=request.user, proposal_ids=ids)
    except ConflictError as exc:
        messages.error(request, f"Not approved: {exc.detail}")
        return redirect("auto-run", pk=pk)
    applied = sum(1 for o in outcomes if o.applied)
    refused = len(outcomes) - applied
    text = f"Approved: {applied} scheduled."
    if refused:
        text += f" {refused} refused now (see “Refused at approval”)."
    (messages.warning if refused else messages.success)(request, text)
    return redirect("auto-run", pk=pk)


@manager_required
@require_feature(FEATURE)
@require_POST
def auto_run_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(AutoRun, pk=pk)
    try:
        auto_run_reject(run=run, by=request.user)
    except ConflictError as exc:
        messages.error(request, f"Not rejected: {exc.detail}")
        return redirect("auto-run", pk=pk)
    messages.success(request, "Run rejected: its open proposals are gone, nothing was scheduled.")
    return redirect("auto-runs")


def _choices_context(pk: int) -> dict[str, Any]:
    choices = proposal_choices(pk)
    if choices is None:
        raise Http404("No such proposal.")
    return {
        "choices": choices,
        "p": choices.proposal,
        "back_url": reverse("auto-run", args=[choices.proposal.run_id])
        + f"#p{choices.proposal.pk}",
    }


@manager_required
@require_feature(FEATURE)
@require_safe
def proposal_change_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal's change form (who may take it, with the rules' reasons; date and
    start), as the HTML fragment the review page inserts when "Change" is opened."""
    return render(request, "scheduler/_auto_proposal_change.html", _choices_context(pk))


@manager_required
@require_feature(FEATURE)
@require_safe
def proposal_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same form on a page of its own: the review row's link without JavaScript."""
    return render(request, "scheduler/auto_proposal_change.html", _choices_context(pk))


def _proposal_or_404(pk: int) -> AutoProposal:
    return get_object_or_404(AutoProposal.objects.select_related("run", "event", "employee"), pk=pk)


@manager_required
@require_feature(FEATURE)
@require_POST
def proposal_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk)
    form = ProposalForm(request.POST)
    back = reverse("auto-run", args=[proposal.run_id]) + f"#p{proposal.pk}"
    if not form.is_valid() or proposal.start is None:
        messages.error(request, "Not changed: check the employee, date and time.")
        return redirect(back)
    local = timezone.localtime(proposal.start)
    day = form.cleaned_data["date"] or local.date()
    time = form.cleaned_data["time"] or local.time().replace(tzinfo=None)
    try:
        changed = proposal_update(
            proposal=proposal,
            employee=form.cleaned_data["employee"],
            start=store_start(day, time),
        )
    except (InvalidInputError, ConflictError) as exc:
        refusal = refusal_of(exc)
        reasons = "; ".join(v["message"] for v in refusal.violations if v["severity"] == "hard")
        messages.error(request, f"{proposal.event.project_name}: {refusal.message} {reasons}")
        return redirect(back)
    assert changed.employee is not None and changed.start is not None  # noqa: S101
    messages.success(
        request,
        f"{changed.event.project_name}: now {changed.employee.name} "
        f"{format_moment(changed.start)} (re-checked).",
    )
    return redirect(back)


@manager_required
@require_feature(FEATURE)
@require_POST
def proposal_drop_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk)
    try:
        proposal_drop(proposal=proposal)
    except ConflictError as exc:
        messages.error(request, f"Not dropped: {exc.detail}")
    else:
        messages.success(request, f"Dropped {proposal.event.project_name} from this run.")
    return redirect(reverse("auto-run", args=[proposal.run_id]))
