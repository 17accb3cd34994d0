"""The sweep: what every registered rule finds due is written to the ledger, then sent.

Each rule (in its domain app's `reminders.py`) reads the programme with a few set-based queries
(never one per patient) and returns candidates: who is reminded of what, for which cycle. The
sweep writes them to the ledger (`Reminder`, unique on kind, target, recipient and cycle, so a
second sweep adds nothing) with `labparcours.bulk.insert_rows`: INSERT … ON CONFLICT DO
NOTHING, thousands of rows in one statement fed by COPY on PostgreSQL, no lookup before (the
unique index answers "already there?") and no model instance; then it returns, in batches,
what is not sent yet: sent here when `inline` (the management command), else queued by the
beat task after the commit.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from labparcours.bulk import insert_rows
from reminders import registry
from reminders.models import Reminder
from reminders.registry import Candidate
from reminders.sending import reminders_send

logger = logging.getLogger(__name__)

Key = tuple[str, str, int, str]
# The ledger's columns a candidate fills: its key, then the rest.
_COLUMNS = (
    "kind",
    "target_key",
    "recipient_id",
    "cycle",
    "patient_id",
    "link",
    "context",
    "created_at",
)


def due_reminders(now: datetime.datetime) -> list[Candidate]:
    """Every reminder due now, by every rule, each once."""
    unique: dict[Key, Candidate] = {}
    for rule in registry.rules():
        for candidate in rule(now):
            unique.setdefault(candidate.key, candidate)
    return list(unique.values())


# --- The sweep -----------------------------------------------------------------------------


@dataclass
class SweepResult:
    due: int = 0  # candidates found by the rules
    recorded: int = 0  # new rows in the ledger
    # due, in the ledger already and not to send now: sent, waiting for the daily digest or a
    # retry, or in a worker's hands
    skipped: int = 0
    queued: int = 0  # unsent rows handed to sending (new ones and earlier failures)
    cancelled: int = 0  # unsent rows that are no longer due
    sent: int = 0  # sent in this process (inline sweeps only)
    digest: int = 0  # kept for the daily digest (inline sweeps only)
    failed: int = 0  # failed in this process, retried by a later sweep (inline only)
    queued_due: int = field(default=0, repr=False)  # of `queued`, those a rule found due
    batches: list[list[int]] = field(default_factory=list, repr=False)  # the ids to send


def reminders_sweep(*, now: datetime.datetime | None = None, inline: bool = False) -> SweepResult:
    """Record what is due in the ledger and gather what is not sent in batches: sent here in
    this process when `inline` (the management command), else left for the caller to queue
    (the beat task `sweep_reminders`, after the commit)."""
    now = now or timezone.now()
    candidates = due_reminders(now)
    result = SweepResult(due=len(candidates))
    # In key order: two sweeps inserting the same rows wait for each other, never deadlock.
    candidates.sort(key=lambda c: c.key)
    with transaction.atomic():
        # A row the ledger holds already (sent, waiting, or written by another sweep meanwhile)
        # is left out by its unique constraint.
        result.recorded = insert_rows(
            Reminder,
            _COLUMNS,
            [(*c.key, c.patient_id, c.link, c.context, now) for c in candidates],
            ignore_conflicts=True,
        )
        result.batches = _batches_to_send(now, {c.key for c in candidates}, result)
    # Due and in the ledger already, but not to send now: sent, waiting for the daily digest,
    # for a retry, or in a worker's hands.
    result.skipped = result.due - result.queued_due
    if inline:
        for batch in result.batches:
            report = reminders_send(batch)
            result.sent += report.sent
            result.digest += report.digest
            result.failed += report.failed
    logger.info(
        "Reminder sweep: %s due, %s recorded, %s skipped, %s queued, %s no longer due",
        result.due,
        result.recorded,
        result.skipped,
        result.queued,
        result.cancelled,
    )
    return result


def _batches_to_send(now: datetime.datetime, due: set[Key], result: SweepResult) -> list[list[int]]:
    """The unsent rows still due (and manual ones), grouped in batches that keep each
    recipient's rows together; rows no longer due are closed without being sent."""
    rows = Reminder.objects.sendable(now).values_list(
        "pk", "kind", "target_key", "recipient_id", "cycle"
    )
    keep: list[tuple[int, int]] = []
    stale: list[int] = []
    for pk, kind, target, recipient, cycle in rows.order_by("recipient_id", "pk"):
        if (kind, target, recipient, cycle) in due:
            keep.append((recipient, pk))
            result.queued_due += 1
        elif registry.kind(kind).by_hand:
            keep.append((recipient, pk))
        else:
            stale.append(pk)
    if stale:
        # Conditional: a row a worker claimed meanwhile is left to that worker.
        result.cancelled = (
            Reminder.objects.sendable(now).filter(pk__in=stale).update(cancelled_at=now)
        )
    result.queued = len(keep)
    return list(_chunks(keep, settings.LABPARCOURS_REMINDER_BATCH_SIZE))


def _chunks(rows: list[tuple[int, int]], size: int) -> Iterator[list[int]]:
    """Batches of about `size` ids, never splitting one recipient's rows (one e-mail each)."""
    batch: list[int] = []
    previous = None
    for recipient, pk in rows:
        if len(batch) >= size and recipient != previous:
            yield batch
            batch = []
        batch.append(pk)
        previous = recipient
    if batch:
        yield batch
