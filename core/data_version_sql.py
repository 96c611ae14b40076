"""Migration operations that make writes to a table move the data version.

The data version (core.models.DataVersion) keys what is cached per data version (API
list pages, page fragments: core/page_cache.py). Migration core 0001 created the
version row, the PostgreSQL function that moves it and the triggers of the first three
tables (with the SQL below); an app whose table joins `WATCHED_TABLES` adds its triggers with
`watch_tables(...)` in a migration of its own (which depends on core 0001).

PostgreSQL: a deferred constraint trigger per table fires at COMMIT and moves the
version once per transaction (see core 0001). SQLite: row triggers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations

PG_TRIGGERS = """
CREATE CONSTRAINT TRIGGER core_data_version_{table}
AFTER INSERT OR UPDATE OR DELETE ON {table}
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION core_data_version_bump();
CREATE TRIGGER core_data_version_truncate_{table}
AFTER TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION core_data_version_bump();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS core_data_version_{table} ON {table};
DROP TRIGGER IF EXISTS core_data_version_truncate_{table} ON {table};
"""
SQLITE_TRIGGER = """
CREATE TRIGGER core_data_version_{table}_{op} AFTER {op} ON {table}
BEGIN
    INSERT INTO core_dataversion (id, epoch, version)
    VALUES (1, lower(hex(randomblob(16))), 1)
    ON CONFLICT (id) DO UPDATE SET version = version + 1;
END
"""
SQLITE_OPS = ("insert", "update", "delete")


def watch_tables(tables: Sequence[str]) -> migrations.RunPython:
    """An operation adding (and, backwards, dropping) the triggers of `tables`."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(PG_TRIGGERS.format(table=table))
            elif vendor == "sqlite":
                for op in SQLITE_OPS:
                    schema_editor.execute(SQLITE_TRIGGER.format(table=table, op=op))
            else:  # pragma: no cover - the project supports these two
                raise NotImplementedError(f"no data-version triggers for {vendor}")

    def backwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(PG_DROP.format(table=table))
            elif vendor == "sqlite":
                for op in SQLITE_OPS:
                    schema_editor.execute(f"DROP TRIGGER IF EXISTS core_data_version_{table}_{op}")

    return migrations.RunPython(forwards, backwards, elidable=False)
