"""The reminder sweep and its sending on a programme of a few thousand patients, on
PostgreSQL (`make bench` with DATABASE_URL), with a ledger that already holds years of sent
reminders (written by the database itself, INSERT … SELECT generate_series).

Measured: the sweep (rules, ledger lookup, writes) against its floor, the rules' selection
SQL alone through a raw cursor; a second sweep of the same hour (everything already in the
ledger); the sending of what the first found, with its query count per batch, against the same
e-mails built and sent without the database. Rows go to the harness (`BENCHMARKS.md`).
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import harness
from labparcours.planner import programme_wide
from reminders.models import Reminder
from reminders.sending import reminder_email, reminders_send
from reminders.sweep import due_reminders, reminders_sweep
from tests.conftest import World
from tests.reminders.bulk import add_programme
from tests.reminders.conftest import frozen, moment

# BENCH_PATIENTS: a smaller cohort, to try the benchmark itself quickly (not a measure).
PATIENTS = int(os.environ.get("BENCH_PATIENTS", 4_000))
COORDINATORS = 40
GPS = 800
HISTORY = 250 * PATIENTS  # sent reminders of earlier cycles already in the ledger


def _write_history(world: World) -> None:
    sql = """
        INSERT INTO labparcours_reminder (kind, recipient_id, patient_id, target_key, cycle,
            link, context, created_at, channel, attempts, last_error, sent_at)
        SELECT 'sic_overdue', p.coordinator_id, p.id, 'sic:' || (n %% 50000),
               '2024-01-01/' || n, '/sic/1/', '{}'::jsonb, now(), 'email', 0, '', now()
        FROM generate_series(1, %(history)s) AS n
        JOIN (SELECT id, coordinator_id, row_number() OVER (ORDER BY id) AS rn
              FROM patients_patient) AS p ON p.rn = 1 + (n %% %(patients)s)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"history": HISTORY, "patients": PATIENTS})
        cursor.execute("ANALYZE")


@pytest.fixture(scope="module")
def programme(module_world: World, django_db_blocker) -> World:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the benchmark of the reminders runs on PostgreSQL (set DATABASE_URL)")
    with django_db_blocker.unblock():
        start = time.perf_counter()
        add_programme(module_world, PATIENTS, coordinators=COORDINATORS, gps=GPS)
        _write_history(module_world)
        seconds = time.perf_counter() - start
        print(f"\n{PATIENTS} patients, {HISTORY} past reminders in {seconds:.1f} s")
    return module_world


def _timed(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = function(*args, **kwargs)
        seconds = time.perf_counter() - start
    return result, seconds, len(queries.captured_queries)


def _explain_ledger_lookup(now) -> None:
    """The plan of the sweep's "already in the ledger?" read (BENCH_EXPLAIN=1)."""
    if not os.environ.get("BENCH_EXPLAIN"):
        return
    with CaptureQueriesContext(connection) as queries:
        reminders_sweep(now=now)
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "labparcours_reminder"."kind"')
    ]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + lookups[0])
        plan = [line for (line,) in cursor.fetchall()]
    print(f"\n{len(lookups)} ledger lookups; the first:\n" + "\n".join(line[:200] for line in plan))


def _by_statement(queries: CaptureQueriesContext) -> str:
    """Seconds and count per kind of statement (the ledger's lookups, inserts, the rest)."""
    totals: dict[str, list[float]] = {}
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.startswith('INSERT INTO "labparcours_reminder"'):
            name = "ledger INSERT"
        elif sql.startswith('SELECT "labparcours_reminder"."kind"'):
            name = "ledger lookup"
        else:
            name = sql.split(" ", 1)[0]
        totals.setdefault(name, []).append(float(query["time"]))
    return ", ".join(f"{k} {len(v)}× {sum(v):.2f} s" for k, v in sorted(totals.items()))


def test_the_sweep_and_its_sending(benchmark, programme: World, world: World) -> None:
    now = moment(0)
    floors = []
    with frozen(now):
        due_reminders(now)  # warm
        candidates, seconds, floor_queries = _timed(due_reminders, now)
        floors.append(seconds)
        with CaptureQueriesContext(connection) as first_queries:
            first, sweep_s, sweep_queries = _timed(reminders_sweep, now=now)
        floors.append(_timed(due_reminders, now)[1])
        again, again_s, again_queries = _timed(reminders_sweep, now=now)
        floors.append(_timed(due_reminders, now)[1])
        mail.outbox.clear()
        start, queries = time.perf_counter(), 0
        sent = 0
        for batch in first.batches:
            report, _s, n = _timed(reminders_send, batch)
            sent += report.sent
            queries += n
        send_s = time.perf_counter() - start
    floor = statistics.median(floors)
    batches = len(first.batches)
    print(
        f"\n{len(candidates)} due; rules alone {floor:.2f} s median of {len(floors)}"
        f" ({floor_queries} queries)"
        f"\nfirst sweep {sweep_s:.2f} s ({sweep_queries} queries,"
        f" ×{sweep_s / floor:.1f} the rules),"
        f" {first.recorded} recorded; SQL: {_by_statement(first_queries)}"
        f"\nsecond sweep {again_s:.2f} s ({again_queries} queries,"
        f" ×{again_s / floor:.1f} the rules)"
        f"\nsending {sent} in {batches} batches: {send_s:.2f} s, {queries} queries"
        f" ({queries / max(batches, 1):.1f} a batch, {len(mail.outbox)} e-mails)"
    )
    _explain_ledger_lookup(now)
    assert first.recorded == len(candidates)
    assert again.recorded == 0
    assert sent == len(candidates)
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)  # timed above; runs in make bench


def test_the_sweep_and_the_sending_against_their_floors(
    benchmark, programme: World, world: World
) -> None:
    now = moment(0)
    with frozen(now):
        with CaptureQueriesContext(connection) as selection:
            due_reminders(now)
        statements = [q["sql"] for q in selection.captured_queries]

        def floor() -> None:
            # Planned as the sweep plans its own (labparcours.planner).
            with programme_wide(), connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        harness.measure(
            f"reminder sweep over {PATIENTS:,} patients, first of the day",
            full=harness.rolled_back(reminders_sweep, now=now),
            floor=floor,
            floor_is="the rules' selection SQL alone, raw cursor",
            max_ratio=2,
            rounds=3,
            notes={"patients": PATIENTS, "ledger rows": HISTORY},
        )
        first = reminders_sweep(now=now)
        batches = first.batches
        rows = list(
            Reminder.objects.filter(pk__in=[pk for batch in batches for pk in batch])
            .select_related("recipient", "patient")
            .order_by("recipient_id", "created_at", "pk")
        )
        groups: dict[int, list[Reminder]] = {}
        for row in rows:
            groups.setdefault(row.recipient_id, []).append(row)

        def send_all() -> None:
            for batch in batches:
                reminders_send(batch)

        def emails_only() -> None:
            for group in groups.values():
                reminder_email(group[0].recipient, group).send()

        mail.outbox.clear()
        queries = harness.count_queries(harness.rolled_back(send_all))
        emails = len(groups)
        # Each e-mail's rows are marked sent once the mail server took it (a worker killed
        # mid-batch sends the e-mail in flight again, never the batch): one UPDATE per
        # e-mail, the rest per batch.
        per_batch = (queries - emails) / max(len(batches), 1)
        harness.measure(
            f"sending {len(rows):,} reminders in {len(batches)} batches ({emails:,} e-mails)",
            full=harness.rolled_back(send_all),
            floor=emails_only,
            floor_is="the same e-mails built and sent without the database",
            max_ratio=2,
            max_queries=12 * len(batches) + emails,
            rounds=3,
            target=(
                f"queries per batch and per e-mail, not per reminder ({per_batch:.1f} a batch"
                " + 1 an e-mail); ≤ 2× floor"
            ),
        )
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)  # timed above; runs in make bench
