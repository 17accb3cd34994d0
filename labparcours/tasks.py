"""The project's own periodic work (the domain apps have theirs)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from labparcours.retention import access_log_purge


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def purge_access_log() -> int:
    """Beat's nightly upkeep of the access log: the coming months' partitions (PostgreSQL),
    then the purge past its retention; the rows deleted."""
    return access_log_purge().deleted
