"""The sweep: what every registered rule finds due is written to the ledger, then sent.

Each rule (in its domain app's `reminders.py`) reads the programme with a few set-based queries
(never one per patient) and finds what is due: who is reminded of what, for which cycle. A rule
either lets the database select its rows (a `Selection`: its recipients, links, cycles and
contexts written in SQL, inserted with INSERT … SELECT, never read into Python) or returns
candidates computed in Python (written by COPY on PostgreSQL). Both go to a temporary table of
what is due; from it the ledger (`Reminder`, unique on target, cycle, recipient and kind, so
a second sweep adds nothing) takes the rows it does not hold yet, in one INSERT … SELECT … ON
CONFLICT DO NOTHING (the unique index answers "already there?"); then the sweep returns, in
batches, what is not sent yet: sent here when `inline` (the management command), else queued
by the beat task after the commit.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.db import connection
from django.db.models import Field
from django.db.models.expressions import RawSQL
from django.utils import timezone

from labparcours.bulk import insert_defaults_sql, stage_rows
from labparcours.planner import programme_wide
from reminders import registry
from reminders.models import Reminder
from reminders.registry import SELECTED, Candidate, Selection
from reminders.sending import reminders_send

logger = logging.getLogger(__name__)

Key = tuple[str, str, int, str]
# The ledger's unique key, in its index's order: the rows go in in this order (two sweeps
# writing the same rows wait for each other, never deadlock; the index is walked once).
_KEY = ("target_key", "cycle", "recipient_id", "kind")


def due_reminders(now: datetime.datetime) -> list[Candidate]:
    """Every reminder due now, by every rule, each once (read into Python: what the sweep
    writes without reading it)."""
    unique: dict[Key, Candidate] = {}
    for rule in registry.rules():
        found = rule(now)
        for candidate in found.candidates() if isinstance(found, Selection) else found:
            unique.setdefault(candidate.key, candidate)
    return list(unique.values())


# --- The sweep -----------------------------------------------------------------------------


@dataclass
class SweepResult:
    due: int = 0  # reminders the rules found due
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
    result = SweepResult()
    # Planned for the whole programme: no JIT compilation, memory to sort (labparcours.planner).
    with programme_wide(), _Due() as due:
        for order, rule in enumerate(registry.rules()):
            due.add(order, rule(now))
        result.due = due.written()
        # A row the ledger holds already (sent, waiting, or written by another sweep meanwhile)
        # is left out by its unique constraint.
        result.recorded = due.into_ledger(now)
        result.batches = _batches_to_send(now, due, result)
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


class _Due:
    """What the rules find due, in a temporary table of the ledger's columns and the rule's
    order (the first rule to find a key gives its row, as in `due_reminders`), for the
    sweep's transaction."""

    def __init__(self) -> None:
        self.name = f"due_{uuid.uuid4().hex}"
        self.table = connection.ops.quote_name(self.name)
        self.postgresql = connection.vendor == "postgresql"
        self.rows: list[tuple] = []

    def __enter__(self) -> _Due:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(_column(name)) for name in SELECTED)
        ledger = quote(Reminder._meta.db_table)
        # On PostgreSQL, dropped by the commit: a DROP inside the transaction would first read
        # the queue of foreign-key checks the ledger's INSERT deferred (one per row and key).
        dropped = " ON COMMIT DROP" if self.postgresql else ""
        with connection.cursor() as cursor:
            # The ledger's column types, no row; and the rule that found each row.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table}{dropped} AS"  # noqa: S608
                f" SELECT {columns}, 0 AS rule FROM {ledger} WHERE 1 = 0"
            )
        return self

    def __exit__(self, error: type[BaseException] | None, *exc: object) -> None:
        if error is not None or self.postgresql:
            return  # dropped by the commit, or rolled back with the transaction
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.table}")

    def add(self, order: int, found: list[Candidate] | Selection) -> None:
        """A rule's finding: a selection is inserted by the database, candidates are kept for
        one write."""
        if not isinstance(found, Selection):
            self.rows += [(*_values(c), order) for c in found]
            return
        columns = ", ".join(connection.ops.quote_name(_column(n)) for n in (*SELECTED, "rule"))
        for queryset in found.querysets:
            select, params = queryset.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {self.table} ({columns}) SELECT *, %s FROM ({select}) AS found",  # noqa: S608
                    (order, *params),
                )

    def written(self) -> int:
        """Writes the candidates; returns how many reminders are due (each key once)."""
        stage_rows(self.table, Reminder, [*SELECTED, "rule"], self.rows)
        key = ", ".join(connection.ops.quote_name(_column(name)) for name in _KEY)
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                # Without it SQLite would read the table for each ledger row it checks.
                index = connection.ops.quote_name(f"{self.name}_key")
                cursor.execute(f"CREATE INDEX {index} ON {self.table} ({key})")
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT DISTINCT {key} FROM {self.table}) AS due"  # noqa: S608
            )
            return cursor.fetchone()[0]

    def into_ledger(self, now: datetime.datetime) -> int:
        """Insert into the ledger what it does not hold yet; returns how many rows."""
        quote = connection.ops.quote_name
        given = [*SELECTED, "created_at"]
        names, defaults, params = insert_defaults_sql(Reminder, given)
        selected = ", ".join(quote(_column(name)) for name in SELECTED)
        key = ", ".join(quote(_column(name)) for name in _KEY)
        ledger = quote(Reminder._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ledger} ({names})"  # noqa: S608
                f" SELECT {selected}, %s{defaults} FROM {self.table}"
                f" ORDER BY {key}, {quote('rule')} ON CONFLICT DO NOTHING",
                (Reminder._meta.get_field("created_at").get_db_prep_save(now, connection), *params),
            )
            return cursor.rowcount

    def holds(self) -> RawSQL:
        """On ledger rows: whether the rules found them due now."""
        quote = connection.ops.quote_name
        ledger = quote(Reminder._meta.db_table)
        same = " AND ".join(
            f"due.{quote(_column(name))} = {ledger}.{quote(_column(name))}" for name in _KEY
        )
        exists = f"EXISTS (SELECT 1 FROM {self.table} AS due WHERE {same})"  # noqa: S608
        return RawSQL(exists, ())  # noqa: S611


def _column(name: str) -> str:
    """The column of a ledger's field (the work table has the same), or the table's own."""
    return name if name == "rule" else str(cast(Field, Reminder._meta.get_field(name)).column)


def _values(candidate: Candidate) -> tuple:
    return (
        candidate.kind,
        candidate.target_key,
        candidate.recipient_id,
        candidate.cycle,
        candidate.patient_id,
        candidate.link,
        candidate.context,
    )


def _batches_to_send(now: datetime.datetime, due: _Due, result: SweepResult) -> list[list[int]]:
    """The unsent rows still due (and manual ones), grouped in batches that keep each
    recipient's rows together; rows no longer due are closed without being sent."""
    rows = (
        Reminder.objects.sendable(now)
        .annotate(due=due.holds())
        .values_list("pk", "kind", "recipient_id", "due")
    )
    keep: list[tuple[int, int]] = []
    stale: list[int] = []
    for pk, kind, recipient, is_due in rows.order_by("recipient_id", "pk"):
        if is_due:
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
