"""Row reads compiled once (core.statements) and the API lists that keep them per query
string (core.list_views): the same rows as the ORM, every request reads the database,
bad input is refused every time, and what is kept stays bounded."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django_filters import ModelChoiceFilter
from rest_framework.test import APIClient

from core.filters import FilterSet
from core.list_views import ValueRowsListMixin
from core.statements import RECENT_QUERIES, CompiledRows, RecentQueries, RowSource
from employees.models import Employee
from events.api import EventViewSet
from events.models import Event
from scheduler.api import ScheduleViewSet
from scheduler.models import Schedule
from scheduler.selectors import SCHEDULE_ROW_FIELDS, schedule_rows
from tests.events.factories import EventFactory, store_local
from tests.queries import count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

SCHEDULES = "/api/v1/schedules/"
ApiAs = Callable[[User | None], APIClient]


@pytest.fixture(autouse=True)
def _empty_memos() -> None:
    ScheduleViewSet.recent_queries.clear()
    EventViewSet.recent_queries.clear()


def _three_schedules() -> list[Schedule]:
    return [
        ScheduleFactory.create(start=store_local(2026, 12, 15, 10 + hour, 45)) for hour in range(3)
    ]


def test_compiled_rows_are_the_orms_rows() -> None:
    _three_schedules()
    queryset = schedule_rows().values_list(*SCHEDULE_ROW_FIELDS)
    statement = CompiledRows.of(queryset)
    assert statement is not None
    rows = statement.run()
    assert rows == list(queryset)
    assert all(type(row) is tuple for row in rows)
    # Timestamps come back aware, in UTC, on either database (SQLite through converters).
    start = rows[0][SCHEDULE_ROW_FIELDS.index("start")]
    assert start.tzinfo is not None
    assert start.utcoffset() == dt.timedelta(0)


def test_compiled_rows_read_the_database_each_run() -> None:
    first, *_ = _three_schedules()
    statement = CompiledRows.of(Schedule.objects.values_list("id", "external_schedule_id"))
    assert statement is not None
    before = statement.run()
    Schedule.objects.filter(pk=first.pk).update(external_schedule_id="PS-1")
    after = statement.run()
    assert (first.pk, "") in before
    assert (first.pk, "PS-1") in after


def test_a_filter_no_row_meets_reads_nothing() -> None:
    _three_schedules()
    statement = CompiledRows.of(Schedule.objects.filter(pk__in=[]).values_list("id"))
    assert statement is not None
    assert count_queries(statement.run) == (0, [])


def test_binding_other_values_runs_the_same_sql() -> None:
    one, two, _ = _three_schedules()
    statement = CompiledRows.of(Schedule.objects.filter(pk=one.pk).values_list("id"))
    assert statement is not None
    assert statement.run() == [(one.pk,)]
    assert statement.bind((two.pk,)).run() == [(two.pk,)]
    with pytest.raises(ValueError, match="1 parameters expected, 2 given"):
        statement.bind((one.pk, two.pk))


def test_a_row_source_reads_each_window_and_counts() -> None:
    schedules = _three_schedules()
    source = RowSource(schedule_rows(), ("id",))
    assert source.rows(0, 2) == [(schedules[0].pk,), (schedules[1].pk,)]
    assert source.rows(2, 4) == [(schedules[2].pk,)]
    assert source.rows(0, 2) == [(schedules[0].pk,), (schedules[1].pk,)]
    assert source.count() == 3


def test_recent_queries_keep_the_most_recently_used() -> None:
    memo = RecentQueries(size=2)
    sources = [RowSource(Event.objects.all(), ("id",)) for _ in range(3)]
    memo.put("a", sources[0])
    memo.put("b", sources[1])
    assert memo.get("a") is sources[0]  # "a" is now the most recent
    memo.put("c", sources[2])
    assert memo.get("b") is None
    assert memo.get("a") is sources[0]
    assert memo.get("c") is sources[2]
    assert len(memo) == 2


def test_recent_queries_are_safe_between_threads() -> None:
    memo = RecentQueries(size=8)
    source = RowSource(Event.objects.all(), ("id",))
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(2000):
                memo.put((offset, i % 20), source)
                memo.get((offset, (i + 7) % 20))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(memo) == 8


def test_a_repeated_list_reads_the_database_again(api_as: ApiAs, reader_user: User) -> None:
    schedule, *_ = _three_schedules()
    client = api_as(reader_user)
    url = f"{SCHEDULES}?date_from=2026-12-15&date_to=2026-12-15"
    first = client.get(url).json()
    Employee.objects.filter(pk=schedule.employee_id).update(name="Renamed Person")
    ScheduleFactory.create(start=store_local(2026, 12, 15, 16, 45))
    second = client.get(url).json()
    assert first["count"] == 3
    assert second["count"] == 4
    names = {row["employee_name"] for row in second["results"]}
    assert "Renamed Person" in names
    assert len(ScheduleViewSet.recent_queries) == 1


def test_a_kept_list_runs_the_same_queries_and_gives_the_same_bytes(
    api_as: ApiAs, reader_user: User
) -> None:
    _three_schedules()
    client = api_as(reader_user)
    url = f"{SCHEDULES}?date_from=2026-12-15&date_to=2026-12-15&page_size=2"
    built_queries, built = count_queries(lambda: client.get(url))
    kept_queries, kept = count_queries(lambda: client.get(url))
    assert built.status_code == kept.status_code == 200
    assert kept.content == built.content
    assert kept_queries == built_queries


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("date_from=2026-13-01", "date_from"),
        ("date_from=2026-12-16&date_to=2026-12-15", "date_to"),
        ("employee=0", "employee"),
        ("event_type=nope", "event_type"),
    ],
)
def test_bad_input_is_refused_every_time_and_nothing_is_kept(
    api_as: ApiAs, reader_user: User, query: str, parameter: str
) -> None:
    client = api_as(reader_user)
    for _ in range(2):
        response = client.get(f"{SCHEDULES}?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert parameter in {error["attr"] for error in response.json()["errors"]}
    assert len(ScheduleViewSet.recent_queries) == 0


def test_a_bad_page_is_refused_after_its_filters_were_kept(
    api_as: ApiAs, reader_user: User
) -> None:
    _three_schedules()
    client = api_as(reader_user)
    assert client.get(f"{SCHEDULES}?page_size=2").status_code == 200
    for _ in range(2):
        response = client.get(f"{SCHEDULES}?page_size=2&page=9")
        assert response.status_code == 404
        response = client.get(f"{SCHEDULES}?page_size=x")
        assert response.status_code == 400


def test_what_is_kept_is_bounded(api_as: ApiAs, reader_user: User) -> None:
    client = api_as(reader_user)
    for n in range(RECENT_QUERIES + 20):
        assert client.get(f"{SCHEDULES}?store={n}").status_code == 200
    assert len(ScheduleViewSet.recent_queries) == RECENT_QUERIES


def test_each_list_keeps_its_own(api_as: ApiAs, reader_user: User) -> None:
    EventFactory.create()
    client = api_as(reader_user)
    client.get("/api/v1/events/?store=1")
    client.get(f"{SCHEDULES}?store=1")
    assert len(EventViewSet.recent_queries) == 1
    assert len(ScheduleViewSet.recent_queries) == 1


def test_filters_that_read_the_database_are_refused() -> None:
    class ByEmployee(FilterSet):
        employee = ModelChoiceFilter(queryset=Employee.objects.all())

        class Meta:
            model = Schedule
            fields = ["employee"]

    with pytest.raises(ImproperlyConfigured, match="read the database"):

        class Listing(ValueRowsListMixin):
            filterset_class = ByEmployee


def test_a_setting_change_forgets_what_was_kept(
    api_as: ApiAs, reader_user: User, settings: pytest.FixtureRequest
) -> None:
    api_as(reader_user).get(SCHEDULES)
    assert len(ScheduleViewSet.recent_queries) == 1
    settings.TIME_ZONE = "America/Chicago"  # type: ignore[attr-defined]
    assert len(ScheduleViewSet.recent_queries) == 0
