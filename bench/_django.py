"""Shared set-up for benchmark scripts: Django against a dedicated PostgreSQL database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/event_scheduler_bench"


def setup(database_url: str | None = None, *, migrate: bool = True) -> str:
    """Point Django at the benchmark database (created if missing) and set it up."""
    url = database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        found = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return url
