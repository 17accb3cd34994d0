"""PostgreSQL's planner for the statements that read the whole programme: the reminder sweep
(`reminders.sweep`) and the indicators (`programme.dashboard`).

Without JIT compilation: the planner prices their correlated subqueries by the programme's
size, and past its thresholds (100,000 and 500,000 in cost: optimised, inlined) it compiles
plans that then run in milliseconds. The teams' reminder rule spent 80 ms compiling for 90 ms
of work at 4,000 patients, and the compilation grows with the programme while the work per
row does not. With memory to sort in: the sweep's rows due were sorted on disk otherwise
(3.5 MB for 18,000 rows)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def programme_wide() -> Iterator[None]:
    """A transaction whose statements are planned for the whole programme (on PostgreSQL;
    elsewhere a transaction)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
        yield
