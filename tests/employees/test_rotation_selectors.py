"""Who is on each rotation, day by day: the one read the scheduler, the auto-scheduler,
the batch scheduling and the call-outs all use (employees/selectors.py)."""

import datetime as dt

import pytest

from employees.models import JobTitle, RotationKind
from employees.selectors import rotations_between, rotations_on
from tests.employees.factories import (
    EmployeeFactory,
    RotationExceptionFactory,
    RotationFactory,
)

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 12, 14)  # a Monday
TUE, WED, THU = (MON + dt.timedelta(days=n) for n in (1, 2, 3))
JUICER, LEAD = RotationKind.JUICER.value, RotationKind.PRIMARY_LEAD.value


@pytest.fixture
def week():
    """Mon: a Juicer and a Lead; Tue: a Lead only; Wed: nobody. On Tue a one-day
    exception puts someone else on as Lead and adds a Juicer."""
    lead, other_lead = EmployeeFactory.create_batch(2, job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    juicer, stand_in = EmployeeFactory.create_batch(2, job_title=JobTitle.JUICER_BARISTA)
    RotationFactory(weekday=0, kind=JUICER, employee=juicer)
    RotationFactory(weekday=0, kind=LEAD, employee=lead)
    RotationFactory(weekday=1, kind=LEAD, employee=lead)
    RotationExceptionFactory(date=TUE, kind=LEAD, employee=other_lead)
    RotationExceptionFactory(date=TUE, kind=JUICER, employee=stand_in)
    return {
        "lead": lead.pk,
        "other_lead": other_lead.pk,
        "juicer": juicer.pk,
        "stand_in": stand_in.pk,
    }


def test_every_day_of_the_range_in_order_with_exceptions_applied(week, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = rotations_between(MON, WED)

    assert list(found) == [MON, TUE, WED]
    assert found[MON] == {JUICER: week["juicer"], LEAD: week["lead"]}
    assert found[TUE] == {JUICER: week["stand_in"], LEAD: week["other_lead"]}
    assert found[WED] == {}
    # The next Monday is the weekly rotation again: an exception is for its day only.
    assert rotations_between(MON + dt.timedelta(days=7), MON + dt.timedelta(days=7)) == {
        MON + dt.timedelta(days=7): {JUICER: week["juicer"], LEAD: week["lead"]}
    }


def test_only_the_days_asked_for(week, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = rotations_on({THU, MON, MON + dt.timedelta(days=7)})

    assert list(found) == [MON, THU, MON + dt.timedelta(days=7)]  # in date order
    assert TUE not in found  # its exceptions, inside the span, are not kept
    assert found[THU] == {}


def test_the_reads_are_two_queries_however_many_days(week, django_assert_num_queries):
    for days in (7, 400):
        with django_assert_num_queries(2):
            found = rotations_between(MON, MON + dt.timedelta(days=days - 1))
        assert len(found) == days


def test_no_days_no_queries(week, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rotations_on([]) == {}
        assert rotations_between(TUE, MON) == {}
