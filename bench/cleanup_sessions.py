"""Benchmark: delete 1,000,000 expired sessions on PostgreSQL with cleanup_sessions.

Reports the total time and the longest single statement (what a concurrent request
could wait behind), and checks that the live sessions inserted beside them survive.

    python bench/cleanup_sessions.py [--rows 1000000] [--live 10000] [--batch-size 5000]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--live", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=5_000)
    args = parser.parse_args()

    setup()
    from django.db import connection

    from sessions_ext.models import UserSession
    from sessions_ext.services import sessions_delete_expired

    table = UserSession._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        started = time.perf_counter()
        for label, count, expiry in (
            ("expired", args.rows, "now() - interval '1 day'"),
            ("live", args.live, "now() + interval '1 day'"),
        ):
            cursor.execute(
                f"""
                INSERT INTO {table} (session_key, session_data, expire_date, public_id,
                                     created_at, last_activity, user_agent)
                SELECT substr(md5(%s || i::text) || md5(i::text), 1, 40), '', {expiry},
                       gen_random_uuid(), now(), now(), ''
                FROM generate_series(1, %s) AS i
                """,  # noqa: S608
                [label, count],
            )
        cursor.execute(f"ANALYZE {table}")
    print(
        f"inserted {args.rows:,} expired + {args.live:,} live rows in "
        f"{time.perf_counter() - started:.1f} s"
    )

    durations: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            durations.append(time.perf_counter() - t0)

    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        deleted = sessions_delete_expired(batch_size=args.batch_size)
    total = time.perf_counter() - started
    live_left = UserSession.objects.count()

    print(f"deleted {deleted:,} rows in {total:.2f} s with batch size {args.batch_size:,}")
    print(
        f"statements: {len(durations)}; longest {max(durations) * 1000:.1f} ms; "
        f"median {sorted(durations)[len(durations) // 2] * 1000:.1f} ms"
    )
    print(f"live sessions left: {live_left:,} (expected {args.live:,})")
    assert deleted == args.rows and live_left == args.live


if __name__ == "__main__":
    main()
