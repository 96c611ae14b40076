"""Writes to time off, unavailable days, holidays and rotations move the data version:
the day page keeps its schedules, warnings and absences per data version
(core/page_cache.py)."""

from django.db import migrations

from core.data_version_sql import watch_tables


class Migration(migrations.Migration):
    dependencies = [
        ("employees", "0001_initial"),
        ("core", "0001_data_version"),
    ]

    operations = [
        watch_tables(
            [
                "employees_timeoff",
                "employees_unavailabledate",
                "employees_companyholiday",
                "employees_rotation",
                "employees_rotationexception",
            ]
        ),
    ]
