"""Celery tasks of the reminders: each takes ids, and calls one function.

Beat runs `sweep_reminders` (several times a day) and `queue_reminder_digests` (daily). The
rows they work on are claimed with a conditional update, so a task run twice, or by two
workers, sends nothing twice. A task lost with its worker comes back from Redis only after the
broker's visibility timeout (an hour); its rows come back sooner: their claim expires
(`LABPARCOURS_REMINDER_CLAIM_MINUTES`) and the next sweep queues them (OPERATIONS.md).
"""

import logging

from celery import shared_task
from django.db import DatabaseError, transaction

from reminders.sending import digest_recipients, reminders_send, reminders_send_digest
from reminders.sweep import reminders_sweep

logger = logging.getLogger(__name__)

RETRYING = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRYING)
def sweep_reminders() -> int:
    """Record what is due in the ledger and queue the sending; returns the rows queued."""
    result = reminders_sweep()
    transaction.on_commit(lambda: queue_batches(result.batches), robust=True)
    return result.queued


@shared_task(**RETRYING)
def send_reminder_batch(reminder_ids: list[int]) -> int:
    return reminders_send(reminder_ids).sent


@shared_task(**RETRYING)
def queue_reminder_digests() -> int:
    users = digest_recipients()
    for user_id in users:
        send_reminder_digest.delay(user_id)
    return len(users)


@shared_task(**RETRYING)
def send_reminder_digest(user_id: int) -> int:
    return reminders_send_digest(user_id).sent


def queue_batches(batches: list[list[int]]) -> None:
    """Hand each batch to a worker; call it once the rows are committed."""
    for index, batch in enumerate(batches):
        try:
            send_reminder_batch.delay(batch)
        except Exception:
            # The broker is down: the rows stay unsent in the ledger for the next sweep.
            logger.exception(
                "Could not queue reminders; %s batches left for the next sweep",
                len(batches) - index,
            )
            return
