"""Celery tasks of the reminders: each takes ids, and calls one function.

Beat runs `sweep_reminders` (several times a day) and `queue_reminder_digests` (daily). The
rows they work on are claimed with a conditional update, so a task run twice, or by two
workers, sends nothing twice; acknowledged late, a task lost with its worker runs again.
"""

from celery import shared_task
from django.db import DatabaseError

from labparcours.notifications import digest_recipients, reminders_send, reminders_send_digest
from labparcours.reminders import reminders_sweep

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
    return reminders_sweep().queued


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
