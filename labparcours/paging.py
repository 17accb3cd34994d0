"""Pages of a long list without counting it: "previous / next" only, or (the admin) with an
estimated count, or (the dashboard) with a count exact when small and kept briefly when large.

A page count over a table that grows by hundreds of thousands of rows a day (the access log)
costs more than the page itself; reading one row past the page says whether there is a next.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
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


# Up to this many rows, a list's count is read exactly on every view: the count stops there
# (LIMIT), so it costs the same whatever the size of the programme.
EXACT_UP_TO = 1_000
# Past it, the whole count is kept this many seconds for the same reader and the same filters,
# and shown as an approximation: it may be that old.
COUNT_TTL = 60


@dataclass(frozen=True)
class RowCount:
    """How many rows a list has: exact, or (`approximate`) counted up to `COUNT_TTL` seconds
    ago, then shown rounded to three significant figures (« environ 12 400 »)."""

    rows: int
    page_size: int
    approximate: bool

    @property
    def shown(self) -> int:
        if not self.approximate or self.rows < 1_000:
            return self.rows
        step = 10 ** (len(str(self.rows)) - 3)
        return round(self.rows / step) * step

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.rows / self.page_size))


def counted(rows: QuerySet, *, key: str, page_size: int) -> RowCount:
    """The number of `rows`: exact up to `EXACT_UP_TO` (a count cut by LIMIT); past it, the
    whole count, read once per `COUNT_TTL` seconds for `key` (the reader and the filters: it is
    hashed, as it may hold a name searched for)."""
    cache_key = "list-count:" + hashlib.sha256(key.encode()).hexdigest()
    kept = cache.get(cache_key)
    if kept is not None:
        return RowCount(rows=kept, page_size=page_size, approximate=True)
    unordered = rows.order_by().values("pk")  # the rows' annotations are not counted
    first = unordered[: EXACT_UP_TO + 1].count()
    if first <= EXACT_UP_TO:
        return RowCount(rows=first, page_size=page_size, approximate=False)
    total = unordered.count()
    cache.set(cache_key, total, COUNT_TTL)
    return RowCount(rows=total, page_size=page_size, approximate=True)


def counted_page(
    rows: QuerySet, number: object, size: int, *, key: str
) -> tuple[UncountedPage, RowCount]:
    """Page `number` of `rows` (`uncounted_page`) and their count (`counted`, kept for `key`);
    a page past the end (the list shrank since its link was drawn) is the last one."""
    page = uncounted_page(rows, number, size)
    row_count = counted(rows, key=key, page_size=size)
    if not page.object_list and page.number > 1:
        page = uncounted_page(rows, min(page.number, row_count.pages), size)
    return page, row_count


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
