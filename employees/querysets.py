from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:  # the model module imports this one
    from employees.models import Employee


class EmployeeQuerySet(models.QuerySet["Employee"]):
    def active(self) -> EmployeeQuerySet:
        return self.filter(is_active=True)

    def employed_on(self, day: dt.date) -> EmployeeQuerySet:
        """Active and not terminated on or before `day`."""
        return self.filter(
            Q(termination_date__isnull=True) | Q(termination_date__gt=day), is_active=True
        )

    def with_titles(self, *titles: str) -> EmployeeQuerySet:
        return self.filter(job_title__in=titles)

    def by_ids(self, ids: list[int]) -> dict[int, Employee]:
        """Employees by primary key, in one query."""
        return cast("dict[int, Employee]", self.in_bulk(ids))
