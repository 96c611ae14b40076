"""Writes to attendance records move the data version: the day page's rows show them
and are kept per data version (core/page_cache.py)."""

from django.db import migrations

from core.data_version_sql import watch_tables


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0002_callout_reason_time_off"),
        ("core", "0001_data_version"),
    ]

    operations = [watch_tables(["attendance_attendancerecord"])]
