"""Purge the access log past its retention, by hand (beat runs the same purge every night)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from labparcours.retention import access_log_purge


class Command(BaseCommand):
    help = (
        "Delete the access-log rows older than LABPARCOURS_ACCESS_LOG_RETENTION_DAYS (six "
        "months at least) and record the purge. The only way rows leave the access log."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purge = access_log_purge()
        self.stdout.write(
            f"{purge.deleted} access-log rows deleted (reads before "
            f"{purge.cutoff:%Y-%m-%d %H:%M %Z}; kept "
            f"{settings.LABPARCOURS_ACCESS_LOG_RETENTION_DAYS} days)"
        )
