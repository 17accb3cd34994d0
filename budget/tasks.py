"""Celery tasks of the budget: each calls one function.

Beat runs `open_due_envelopes` daily: the envelopes of the programme years that begin (the
anniversary of each inclusion). The function is idempotent, so a run twice, or by two
workers, opens each envelope once. Just before it, `expire_past_requests` expires the requests
left waiting or unused on the envelopes whose year has ended (idempotent too).
"""

from celery import shared_task
from django.db import DatabaseError

from budget.services import envelopes_open_due, supplementary_care_expire_due


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def open_due_envelopes() -> int:
    return envelopes_open_due()


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def expire_past_requests() -> int:
    return supplementary_care_expire_due()
