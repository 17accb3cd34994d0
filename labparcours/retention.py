"""How long the access log keeps its rows, and the one way they leave it.

The access log is append-only (`labparcours.ledger`): the ORM refuses to change or delete a
row, and on PostgreSQL a trigger refuses it in SQL, whatever the door — except for the purge
below, which says so to the trigger for its own transaction (`SET LOCAL`) and may then delete
rows older than the floor the trigger itself holds (`FLOOR_DAYS`). Each purge leaves a row in
`AccessLogPurge`, so that a gap in the log is explained.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import checks
from django.db import connection, transaction
from django.utils import timezone

from labparcours.models import AccessLogEntry, AccessLogPurge

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
    """Delete the access-log rows older than the retention, in batches, and record the purge."""
    now = now or timezone.now()
    days = max(settings.LABPARCOURS_ACCESS_LOG_RETENTION_DAYS, MINIMUM_DAYS)
    cutoff = now - datetime.timedelta(days=days)
    deleted = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
        while True:
            ids = list(
                AccessLogEntry.objects.filter(at__lt=cutoff)
                .order_by()
                .values_list("pk", flat=True)[:PURGE_BATCH]
            )
            if not ids:
                break
            # The ledger's queryset refuses delete(); this is the one place allowed to.
            deleted += AccessLogEntry.objects.filter(pk__in=ids)._raw_delete(connection.alias)
        purge = AccessLogPurge.objects.create(at=now, cutoff=cutoff, deleted=deleted)
    logger.info(
        "Access log purged: %s rows read before %s (kept %s days)",
        deleted,
        cutoff.isoformat(),
        days,
    )
    return purge
