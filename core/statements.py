"""Row reads whose SQL is compiled once, and the filtered lists that keep them.

For a page of a hundred rows, building and compiling the Django query (the filters,
three joins, sixteen columns) costs more than the database takes to answer it: about
1.5 ms of a 4 ms API list request (docs/benchmarks.md). The SQL of a list depends only
on its query string, and API clients ask for the same few again and again (the planning
system's poll, a manager's day), so a list view keeps, per query string, the filtered
queryset it built and each page's compiled SQL, and runs that SQL again on a repeat.

Only the SQL is kept, never rows: every request reads the database, so a write shows at
once. A query string is kept only once its filters validated; bad input is checked, and
refused, every time. What is kept is bounded: `RECENT_QUERIES` query strings per view
(least recently used first out) and `WINDOWS_PER_QUERY` pages each.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.dispatch import receiver

RECENT_QUERIES = 128
WINDOWS_PER_QUERY = 16


class CompiledRows:
    """The value tuples of a `values_list()` queryset, its SQL compiled once.

    `run()` executes the kept SQL on the current thread's connection and applies the
    same converters Django's `ValuesListIterable` would, so the rows are the ones
    `list(queryset)` gives (the tests compare both).
    """

    __slots__ = ("alias", "converters", "params", "sql")

    def __init__(
        self, alias: str, sql: str | None, params: tuple[Any, ...], converters: list[Any]
    ) -> None:
        self.alias = alias
        self.sql = sql
        self.params = params
        self.converters = converters

    @classmethod
    def of(cls, queryset: QuerySet[Any]) -> CompiledRows | None:
        """`queryset` (a `values_list()` queryset) compiled, or None when reading it
        takes more than one plain SELECT (then the caller evaluates the queryset)."""
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a filter no row can meet: Django reads nothing
            return cls(queryset.db, None, (), [])
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_extra_select or compiler.has_composite_fields(fields):
            return None
        converters = list(compiler.get_converters(fields).items())
        return cls(queryset.db, sql, tuple(params), converters)

    def bind(self, params: tuple[Any, ...]) -> CompiledRows:
        """The same statement run with other parameter values, in the same order."""
        if len(params) != len(self.params):
            raise ValueError(f"{len(self.params)} parameters expected, {len(params)} given")
        return CompiledRows(self.alias, self.sql, params, self.converters)

    def run(self) -> list[tuple[Any, ...]]:
        if self.sql is None:
            return []
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for position, (functions, expression) in self.converters:
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            converted.append(tuple(values))
        return converted


class RowSource:
    """A filtered queryset read as tuples of `fields`, a window at a time; each
    window's SQL is compiled the first time it is read and kept."""

    def __init__(self, queryset: QuerySet[Any], fields: tuple[str, ...]) -> None:
        self.queryset = queryset
        self.fields = fields
        self._windows: dict[tuple[int, int], CompiledRows | None] = {}

    def rows(self, low: int, high: int) -> list[tuple[Any, ...]]:
        window = (low, high)
        if window in self._windows:
            statement = self._windows[window]
        else:
            statement = CompiledRows.of(self.queryset[low:high].values_list(*self.fields))
            if len(self._windows) < WINDOWS_PER_QUERY:
                self._windows[window] = statement
        if statement is None:
            return list(self.queryset[low:high].values_list(*self.fields))
        return statement.run()

    def count(self) -> int:
        return self.queryset.count()


class RecentQueries:
    """The `RowSource` of the most recently asked query strings, least recently used
    first out; safe to share between a process's threads. Emptied when a setting
    changes (tests), since settings (the time zone, say) shape the SQL."""

    def __init__(self, size: int = RECENT_QUERIES) -> None:
        self.size = size
        self._sources: OrderedDict[Hashable, RowSource] = OrderedDict()
        self._lock = threading.Lock()
        _every_memo.add(self)

    def get(self, key: Hashable) -> RowSource | None:
        with self._lock:
            source = self._sources.get(key)
            if source is not None:
                self._sources.move_to_end(key)
            return source

    def put(self, key: Hashable, source: RowSource) -> None:
        with self._lock:
            self._sources[key] = source
            self._sources.move_to_end(key)
            while len(self._sources) > self.size:
                self._sources.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._sources.clear()

    def __len__(self) -> int:
        return len(self._sources)


_every_memo: weakref.WeakSet[RecentQueries] = weakref.WeakSet()


@receiver(setting_changed)
def _forget_on_setting_changed(**kwargs: Any) -> None:
    for memo in list(_every_memo):
        memo.clear()
