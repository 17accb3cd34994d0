"""Pages of a long list without counting it: "previous / next" only, or (the admin) with an
estimated count.

A page count over a table that grows by hundreds of thousands of rows a day (the access log)
costs more than the page itself; reading one row past the page says whether there is a next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


@dataclass(frozen=True)
class UncountedPage:
    """One page of rows; `has_next` read from one row more than the page holds."""

    object_list: list[Any]
    number: int
    has_next: bool

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def uncounted_page(rows: QuerySet, number: object, size: int) -> UncountedPage:
    """Page `number` (1 when missing or not a positive number) of `rows`, `size` rows long."""
    try:
        page = max(1, int(str(number)))
    except ValueError:
        page = 1
    start = (page - 1) * size
    shown = list(rows[start : start + size + 1])
    return UncountedPage(object_list=shown[:size], number=page, has_next=len(shown) > size)


# Under this many rows, the exact count is cheap enough to be worth it.
EXACT_BELOW = 100_000


class EstimatedCountPaginator(Paginator):
    """A paginator for the admin's list of a huge table: unfiltered, its count is PostgreSQL's
    estimate of the table's rows (the planner's statistics, kept by autovacuum) instead of a
    scan of the whole table on every page; filtered, or small, or on SQLite, it counts."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet) and not rows.query.where:
            estimate = _estimated_rows(rows)
            if estimate is not None and estimate >= EXACT_BELOW:
                return estimate
        return super().count


def _estimated_rows(rows: QuerySet) -> int | None:
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return None
    # A partitioned table (the access log) holds no rows itself: autovacuum keeps the
    # statistics of its partitions, not its own, so its estimate is the sum of theirs.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce("
            " (SELECT sum(greatest(c.reltuples, 0))::bigint"
            "  FROM pg_partition_tree(%s::regclass) AS t JOIN pg_class c ON c.oid = t.relid"
            "  WHERE t.isleaf),"
            " (SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass))",
            [rows.model._meta.db_table] * 2,
        )
        found = cursor.fetchone()
    return int(found[0]) if found and found[0] is not None else None
