"""How long the access log keeps its rows, and the one way they leave it.

The access log is append-only (`labparcours.ledger`): the ORM refuses to change or delete a
row, and on PostgreSQL a trigger refuses it in SQL, whatever the door — except for the purge
below, which says so to the trigger for its own transaction (`SET LOCAL`) and may then delete
rows older than the floor the trigger itself holds (`FLOOR_DAYS`). There the table is
partitioned by month (`labparcours.partitions`): a month wholly past the retention is dropped
whole rather than deleted row by row, through a function that holds the same floor and asks for
the same setting. Each purge leaves a row in `AccessLogPurge`, so that a gap in the log is
explained.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import checks
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from labparcours.models import AccessLogEntry, AccessLogPurge
from labparcours.partitions import (
    Partition,
    access_log_partitions,
    drop_access_log_partition,
    ensure_access_log_partitions,
)

logger = logging.getLogger(__name__)

# Six months: the least French guidance on access traces asks for. The setting may be longer,
# never shorter; the PostgreSQL trigger refuses to delete a row younger than FLOOR_DAYS.
MINIMUM_DAYS = 183
FLOOR_DAYS = 180
# The setting the trigger reads to let the purge (and only it) delete.
PURGE_FLAG = "labparcours.purge_access_log"
# Rows deleted per statement: bounded locks and WAL, whatever the backlog.
PURGE_BATCH = 10_000


def check_retention(**kwargs: object) -> list[checks.CheckMessage]:
    days = settings.LABPARCOURS_ACCESS_LOG_RETENTION_DAYS
    if days < MINIMUM_DAYS:
        return [
            checks.Error(
                f"LABPARCOURS_ACCESS_LOG_RETENTION_DAYS is {days}: the access log is kept "
                f"{MINIMUM_DAYS} days (six months) at least.",
                id="labparcours.E010",
            )
        ]
    return []


def access_log_purge(*, now: datetime.datetime | None = None) -> AccessLogPurge:
    """Remove the access-log rows older than the retention and record the purge.

    On PostgreSQL the coming months' partitions are made ready first; then the rows past the
    cutoff in months that are not wholly past it (the boundary month, the default partition)
    are deleted in batches, and the months wholly past it are dropped, their rows counted —
    last, so that the table is locked only for the instant before the commit."""
    now = now or timezone.now()
    days = max(settings.LABPARCOURS_ACCESS_LOG_RETENTION_DAYS, MINIMUM_DAYS)
    cutoff = now - datetime.timedelta(days=days)
    ensure_access_log_partitions(now=now)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
        past = [p for p in access_log_partitions() if p.end <= cutoff]
        deleted = _delete_rows(_outside(Q(at__lt=cutoff), past))
        dropped = [(p, drop_access_log_partition(p)) for p in past]
        deleted += sum(rows for _, rows in dropped if rows is not None)
        purge = AccessLogPurge.objects.create(at=now, cutoff=cutoff, deleted=deleted)
    logger.info(
        "Access log purged: %s rows read before %s (kept %s days; %s months dropped whole)",
        deleted,
        cutoff.isoformat(),
        days,
        sum(rows is not None for _, rows in dropped),
    )
    return purge


def _outside(rows: Q, partitions: list[Partition]) -> Q:
    """`rows`, but none of those the partitions (oldest first) hold: they are dropped whole."""
    spans: list[tuple[datetime.datetime, datetime.datetime]] = []
    for partition in partitions:
        if spans and spans[-1][1] == partition.start:
            spans[-1] = (spans[-1][0], partition.end)
        else:
            spans.append((partition.start, partition.end))
    for start, end in spans:
        rows &= Q(at__lt=start) | Q(at__gte=end)
    return rows


def _delete_rows(rows: Q) -> int:
    """Delete `rows`, a batch at a time; how many. The condition repeats in each delete so that
    PostgreSQL reads only the partitions that may hold them."""
    deleted = 0
    while True:
        ids = list(
            AccessLogEntry.objects.filter(rows)
            .order_by()
            .values_list("pk", flat=True)[:PURGE_BATCH]
        )
        if not ids:
            return deleted
        # The ledger's queryset refuses delete(); this is the one place allowed to.
        deleted += AccessLogEntry.objects.filter(rows, pk__in=ids)._raw_delete(connection.alias)
