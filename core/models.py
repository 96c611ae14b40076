"""Cross-cutting tables. Only one: the data version that list-page caches are keyed by."""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """One row (id 1) whose `version` changes in the same transaction as any write to
    the tables that API lists show (core/page_cache.py: WATCHED_TABLES).

    Database triggers, not application code, move it (migration core 0001), so that
    every write counts: services, admin, bulk updates, sync, raw SQL. `epoch` is new
    whenever the row is created again (after a flush), so versions never repeat.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    epoch = models.CharField(max_length=32)
    version = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = "data version"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="dataversion_one_row")]

    def __str__(self) -> str:
        return f"{self.epoch}.{self.version}"
