"""Reminders written when something happens, and resolved once what they ask is done.

A domain service that makes an event (a plan proposed, changes asked, a SIC scheduled, a
contribution submitted…) calls `reminders_notify` in its transaction: the ledger rows are
written at once, one per recipient, and sent once the transaction commits, through the same
sending as the sweep's (the bell, then the recipient's channel). The kinds are registered in the
domain app's `reminders.py` with `by_hand=True`, so that the sweep, which finds no rule for
them, sends them rather than closing them.

When what was asked is done (the plan validated, the changes answered, the SIC held…), the
service calls `reminders_resolve` with the target: every reminder about it, by a rule or by an
event, leaves the unread list and its e-mail, not sent yet, is no longer sent.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from labparcours.models import User
from reminders.models import Notification, Reminder, ReminderQuerySet
from reminders.registry import Kind
from reminders.tasks import queue_batches


def reminders_notify(
    *,
    kind: Kind,
    patient_id: uuid.UUID,
    target_key: str,
    to: Mapping[int, str],
    context: Mapping[str, object] | None = None,
    cycle: str = "",
    by: User | None = None,
) -> list[int]:
    """Write one reminder of `kind` per recipient (`to`: user id → the page to act on), about
    `target_key`, then send them once the transaction commits; the ids written.

    `cycle` names the occurrence, for an event that happens once (a contribution's
    submission): written twice, it is in the ledger once. By default, the moment: each event
    is a new reminder.
    """
    if not kind.by_hand:
        raise ValueError(f"{kind.key}: an event's kind is registered with by_hand=True")
    if not to:
        return []
    now = timezone.now()
    cycle = cycle or now.isoformat(timespec="microseconds")
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=kind.key,
                recipient_id=user_id,
                patient_id=patient_id,
                target_key=target_key,
                cycle=cycle,
                link=link,
                context=dict(context or {}),
                created_by=by,
                created_at=now,
            )
            for user_id, link in to.items()
        ],
        # The same occurrence written again (a retried request) stays one reminder.
        ignore_conflicts=True,
    )
    ids = list(
        Reminder.objects.unsent()
        .filter(kind=kind.key, target_key=target_key, cycle=cycle, recipient_id__in=list(to))
        .values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: queue_batches([ids]), robust=True)
    return ids


@dataclass(frozen=True)
class Resolved:
    read: int  # notifications taken off the unread list
    cancelled: int  # reminders no longer sent


def reminders_resolve(
    *,
    targets: Iterable[str],
    kinds: Iterable[Kind] | None = None,
    recipients: Iterable[int] | None = None,
) -> Resolved:
    """What the reminders about `targets` asked is done: their unread notifications are marked
    read, and those not sent yet are closed (`cancelled_at`), for every recipient or only
    `recipients`, of every kind or only `kinds`.

    A row a worker is sending right now is left to it (its e-mail may be on its way), as the
    sweep leaves it when it closes what is no longer due."""
    rows = Reminder.objects.filter(target_key__in=list(targets))
    if kinds is not None:
        rows = rows.filter(kind__in=[kind.key for kind in kinds])
    if recipients is not None:
        rows = rows.filter(recipient_id__in=list(recipients))
    return _close(rows)


def reminders_stop(*, patient_id: uuid.UUID) -> Resolved:
    """The patient left the programme (death, move): nothing more is asked about them. Every
    reminder of theirs not sent yet is closed and every unread notification about them leaves
    the unread lists; the rules, which read included patients only, write no new ones."""
    return _close(Reminder.objects.filter(patient_id=patient_id))


def _close(rows: ReminderQuerySet) -> Resolved:
    """Mark the rows' unread notifications read and close those not sent yet."""
    now = timezone.now()
    stale = now - datetime.timedelta(minutes=settings.LABPARCOURS_REMINDER_CLAIM_MINUTES)
    cancelled = (
        rows.unsent()
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(cancelled_at=now, claimed_at=None, claim_token=None)
    )
    read = Notification.objects.unread().filter(reminder__in=rows).update(read_at=now)
    return Resolved(read=read, cancelled=cancelled)
