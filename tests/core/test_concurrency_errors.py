"""A transaction PostgreSQL aborts for a concurrent one answers 409, not 500."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from core.problems import problem_for
from tests.employees.factories import EmployeeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_real_deadlock_is_a_409_conflict() -> None:
    first, second = EmployeeFactory.create(), EmployeeFactory.create()
    both_locked = threading.Barrier(2, timeout=10)
    errors: list[DatabaseError] = []

    def lock(one: int, other: int) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '100ms'")
                cursor.execute("SELECT 1 FROM employees_employee WHERE id = %s FOR UPDATE", [one])
                both_locked.wait()
                cursor.execute("SELECT 1 FROM employees_employee WHERE id = %s FOR UPDATE", [other])
        except DatabaseError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=lock, args=(first.pk, second.pk)),
        threading.Thread(target=lock, args=(second.pk, first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(errors) == 1
    problem = problem_for(errors[0])
    assert (problem.status, problem.code) == (409, "conflict")
    assert "deadlock" not in problem.detail.lower()


def test_other_database_errors_stay_500() -> None:
    with pytest.raises(DatabaseError) as caught, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    problem = problem_for(caught.value)
    assert (problem.status, problem.code) == (500, "database_error")
