"""What this app keeps per transaction, where Django keeps the transaction's after-commit
callbacks (`transaction.on_commit`).

A callback registered inside a savepoint is dropped when the savepoint is rolled back,
exactly as the rows written inside it are: state kept as callbacks always matches the
rows that will commit. A test case's own atomic blocks stand for autocommit (as Django's
check of durable blocks treats them): there, each outermost block of the code under
test counts as a transaction of its own (`transaction_key`), as it would in production.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


def transaction_key() -> str | None:
    """The transaction as the application sees it: its outermost atomic block that is
    not a test case's (None: the real transaction; else that block's savepoint id)."""
    connection = transaction.get_connection()
    for depth, block in enumerate(connection.atomic_blocks):
        if not getattr(block, "_from_testcase", False):
            return str(connection.savepoint_ids[depth - 1]) if depth else None
    return None


def queued() -> list[Any]:
    """The callbacks this transaction runs after commit (none outside a transaction)."""
    return [func for _, func, *_ in getattr(transaction.get_connection(), "run_on_commit", [])]
