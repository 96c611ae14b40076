"""Brute-force lockout (django-axes): what is counted, and what a locked-out attempt gets."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
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


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per key (AXES_HANDLER).

    Failures are counted per username + IP (LOGIN_FAILURE_LIMIT), per username from every
    IP together and per IP over every username (both LOGIN_FAILURE_CEILING, higher), the
    keys AXES_LOCKOUT_PARAMETERS lists in that order. So failures from elsewhere lock a
    username out of the store's own network only past the ceiling, while one address
    guessing stops at the limit. axes compares one number with one limit: each count is
    scaled to LOGIN_FAILURE_LIMIT, which it reaches exactly when the count reaches its
    own limit.
    """

    def get_failures(self, request: HttpRequest, credentials: Any = None) -> int:
        limit = settings.AXES_FAILURE_LIMIT
        limits = (limit, settings.LOGIN_FAILURE_CEILING, settings.LOGIN_FAILURE_CEILING)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        scaled = (count * limit // max(own, 1) for count, own in zip(counts, limits, strict=True))
        return max(scaled, default=0)
