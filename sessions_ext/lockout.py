"""What a locked-out sign-in attempt gets (django-axes AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.middleware import is_api_request
from core.problems import Problem, log_problem, problem_response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else 3600
    minutes = math.ceil(seconds / 60)
    problem = Problem(
        status=429,
        code="too_many_login_attempts",
        title="Too many sign-in attempts",
        detail=f"Too many failed sign-in attempts. Try again in {minutes} minutes.",
        headers={"Retry-After": str(seconds)},
    )
    log_problem(problem, None, request)
    if is_api_request(request):
        return problem_response(problem, request)
    # When to try again, on the store's clock (the page; the API has Retry-After).
    until = timezone.localtime() + dt.timedelta(seconds=seconds)
    response = render(
        request,
        "sessions_ext/locked_out.html",
        {"problem": problem, "until": until},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
