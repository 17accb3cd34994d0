"""The access log's monthly partitions on PostgreSQL, and their upkeep.

On PostgreSQL the access log is partitioned by month of `at`, calendar months in UTC (migration
0011): `labparcours_accesslogentry_pYYYY_MM`, plus a DEFAULT partition that takes any row whose
month has no partition, so that an insert never fails. The upkeep creates the coming months'
partitions ahead (every night, before the retention purge), and the purge drops the months
wholly past the retention (`labparcours.retention`). Both go through two functions the
migration installed, which run as the table's owner: the application's role needs no right to
change the table's structure. On SQLite the table is one table and all this does nothing.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from labparcours.models import AccessLogEntry

logger = logging.getLogger(__name__)

# How many months ahead of the current one have their partition ready.
MONTHS_AHEAD = 12
# Creating or dropping a partition locks the whole table for an instant: wait this long at most
# for the readers and writers in progress, rather than hold every new read's trace behind it.
LOCK_TIMEOUT = "5s"
_LOCK_NOT_AVAILABLE = "55P03"

TABLE = AccessLogEntry._meta.db_table
_MONTHLY = re.compile(rf"^{TABLE}_p(\d{{4}})_(\d{{2}})$")


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after (or before) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_of(moment: datetime.datetime) -> datetime.date:
    """The first day of the calendar month (in UTC) `moment` falls in: its partition's."""
    return moment.astimezone(datetime.UTC).date().replace(day=1)


def month_start(month: datetime.date) -> datetime.datetime:
    return datetime.datetime(month.year, month.month, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Partition:
    """One month's partition of the access log: rows read in [start, end)."""

    month: datetime.date

    @property
    def name(self) -> str:
        return f"{TABLE}_p{self.month:%Y_%m}"

    @property
    def start(self) -> datetime.datetime:
        return month_start(self.month)

    @property
    def end(self) -> datetime.datetime:
        return month_start(add_months(self.month, 1))


def access_log_partitions() -> list[Partition]:
    """The monthly partitions that exist, oldest first (none off PostgreSQL)."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = [
        datetime.date(int(match[1]), int(match[2]), 1)
        for name in names
        if (match := _MONTHLY.match(name))
    ]
    return [Partition(month) for month in sorted(months)]


class _LockTimeout(Exception):
    pass


def _briefly(sql: str, params: list[Any]) -> Any:
    """Run one partition change in a savepoint, waiting at most LOCK_TIMEOUT for the table."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            previous = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
            cursor.execute(sql, params)
            result = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError as exc:
        if getattr(exc.__cause__, "pgcode", None) == _LOCK_NOT_AVAILABLE:
            raise _LockTimeout from exc
        raise
    return result


def ensure_access_log_partitions(
    *,
    months_ahead: int = MONTHS_AHEAD,
    now: datetime.datetime | None = None,
    since: datetime.datetime | None = None,
) -> list[datetime.date]:
    """Create the partitions missing from the current month (or `since`'s, for rows written
    with past dates) to `months_ahead` months ahead; the months created. Idempotent. A month
    whose rows the DEFAULT partition already holds stays there (a warning says so): moving
    them would lock the table for as long."""
    if not partitioned():
        return []
    current = month_of(now or timezone.now())
    first = min(current, month_of(since)) if since else current
    last = add_months(current, months_ahead)
    created = []
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    for month in months:
        try:
            outcome = _briefly("SELECT labparcours_accesslogentry_add_month(%s)", [month])
        except _LockTimeout:
            logger.warning(
                "Access log: the table stayed busy; partitions from %s are left for the next run",
                f"{month:%Y-%m}",
            )
            break
        if outcome == "created":
            created.append(month)
        elif outcome == "default":
            logger.warning(
                "Access log: the default partition holds rows of %s; that month stays there",
                f"{month:%Y-%m}",
            )
    if created:
        logger.info(
            "Access log: partitions created for %s", ", ".join(f"{m:%Y-%m}" for m in created)
        )
    return created


def drop_access_log_partition(partition: Partition) -> int | None:
    """Detach and drop a month wholly past the retention; the rows it held, or None when the
    table stayed busy (the next purge drops it). Only inside the purge's transaction: the
    database refuses it otherwise, and for a month younger than 180 days."""
    with connection.cursor() as cursor:
        # A foreign-key check still deferred on one of the month's rows (written earlier in
        # the same transaction) forbids the drop: run the checks now, as Django's own
        # `check_constraints` does, and defer them again after.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:
            rows = _briefly("SELECT labparcours_accesslogentry_drop_month(%s)", [partition.month])
        except _LockTimeout:
            logger.warning(
                "Access log: the table stayed busy; %s is left for the next purge",
                f"{partition.month:%Y-%m}",
            )
            return None
        finally:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return int(rows)
