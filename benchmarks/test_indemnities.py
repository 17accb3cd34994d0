"""A year of indemnity lines for 10,000 patients, on PostgreSQL (`make bench` with
DATABASE_URL): building the payment batch, and its CSV listing at least 0.3× as fast as
PostgreSQL's own COPY of the same rows, measured in the same run.

The year is written by the database itself (INSERT … SELECT generate_series): 10,000 patients,
2,000 liberal professionals with bank details, sixteen lines a patient (two SICs: four
contributions and four attendances each), all approved.
"""

from __future__ import annotations

import datetime
import io
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import harness
from indemnities.defaults import ensure_default_kinds
from indemnities.models import BankAccount, IndemnityKind, IndemnityLine, PaymentBatch
from indemnities.services import batch_build
from patients.models import Patient, PatientStatus
from programme.demo_data import DEMO_IBANS
from teams.models import PracticeMode, Profession, Professional
from tests.conftest import World, client_for

PATIENTS = 10_000
PROFESSIONALS = 2_000
LINES_PER_PATIENT = 16
YEAR_START = datetime.date(2025, 1, 1)


def _write_year(world: World) -> None:
    ensure_default_kinds(IndemnityKind)
    kinds = list(IndemnityKind.objects.exclude(source="other").values_list("pk", flat=True))
    today = timezone.localdate()
    Patient.objects.bulk_create(
        [
            Patient(
                last_name=f"Cohorte{i}",
                first_name="Test",
                birth_date=datetime.date(1950, 1, 1),
                sex="F",
                pathway="ic",
                status=PatientStatus.INCLUDED,
                inclusion_date=today - datetime.timedelta(days=400),
                coordinator=world.coordinator,
            )
            for i in range(PATIENTS)
        ],
        batch_size=2000,
    )
    pros = Professional.objects.bulk_create(
        [
            Professional(
                last_name=f"Libéral{i}",
                first_name="Pro",
                profession=Profession.GP if i % 4 == 0 else Profession.NURSE,
                practice_mode=PracticeMode.LIBERAL,
            )
            for i in range(PROFESSIONALS)
        ],
        batch_size=2000,
    )
    BankAccount.objects.bulk_create(
        [BankAccount(professional=pro, holder=pro.last_name, iban=DEMO_IBANS[0]) for pro in pros],
        batch_size=2000,
    )
    lines = """
        INSERT INTO indemnities_indemnityline (professional_id, kind_id, entry, amount,
            worked_on, patient_id, why, created_at)
        SELECT pro.id, (%(kinds)s::bigint[])[1 + (n %% %(kind_count)s)], 'item', 30.00,
            %(start)s::date + ((p.rn * 7 + n * 23) %% 365)::int, p.id, 'année', now()
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM patients_patient
              WHERE last_name LIKE 'Cohorte%%') AS p
        CROSS JOIN generate_series(1, %(per_patient)s) AS n
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM teams_professional
              WHERE last_name LIKE 'Libéral%%') AS pro
          ON pro.rn = 1 + ((p.rn * %(per_patient)s + n) %% %(professionals)s)
    """
    approvals = """
        INSERT INTO indemnities_lineapproval (line_id, by_id, at)
        SELECT id, %(admin)s, now() FROM indemnities_indemnityline
    """
    params = {
        "kinds": kinds,
        "kind_count": len(kinds),
        "start": YEAR_START,
        "per_patient": LINES_PER_PATIENT,
        "professionals": PROFESSIONALS,
        "admin": world.admin.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(lines, params)
        cursor.execute(approvals, params)
        cursor.execute("ANALYZE")


@pytest.fixture(scope="module")
def year(module_world: World, django_db_blocker) -> World:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the benchmark of the indemnities runs on PostgreSQL (set DATABASE_URL)")
    with django_db_blocker.unblock():
        start = time.perf_counter()
        _write_year(module_world)
        lines = IndemnityLine.objects.count()
        seconds = time.perf_counter() - start
        print(f"\n{lines} lines for {PATIENTS} patients written in {seconds:.1f} s")
    return module_world


def build(world: World) -> PaymentBatch:
    # An earlier test's batch was rolled back: its rows are dead, and autovacuum, which would
    # have cleaned them and refreshed the statistics by now, never sees this transaction's.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE indemnities_batchline")
    return batch_build(
        period_start=YEAR_START,
        period_end=datetime.date(2025, 12, 31),
        execution_date=timezone.localdate(),
        by=world.admin,
    )


def test_building_the_batch_of_a_year(benchmark, year: World, world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        batch = benchmark.pedantic(build, args=(world,), rounds=1, iterations=1)
    assert batch.batch_lines.count() == PATIENTS * LINES_PER_PATIENT
    benchmark.extra_info.update(queries=len(queries.captured_queries))
    seconds = benchmark.stats.stats.median
    print(f"\nbatch of {PATIENTS * LINES_PER_PATIENT} lines built in {seconds:.2f} s")
    assert len(queries.captured_queries) < 20


def _copy_seconds(batch: PaymentBatch) -> tuple[float, int]:
    """PostgreSQL's own COPY of the listing's rows (the same joins, the same order)."""
    sql = f"""
        COPY (SELECT l.id, pro.last_name, pro.first_name, pro.profession, pro.rpps, k.label,
                     l.entry, l.worked_on, pat.first_name, pat.last_name, l.reverses_id,
                     l.amount
              FROM indemnities_indemnityline l
              JOIN indemnities_batchline b ON b.line_id = l.id
              JOIN teams_professional pro ON pro.id = l.professional_id
              JOIN indemnities_indemnitykind k ON k.id = l.kind_id
              LEFT JOIN patients_patient pat ON pat.id = l.patient_id
              WHERE b.batch_id = {batch.pk}
              ORDER BY pro.last_name, pro.first_name, pro.id, l.id)
        TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER)"""  # noqa: S608 — an integer id
    out = io.StringIO()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, out)
    return time.perf_counter() - start, len(out.getvalue())


def test_the_csv_of_a_year_runs_near_copy(benchmark, year: World, world: World) -> None:
    batch = build(world)  # in this test's transaction, untimed
    client = client_for(world.admin)
    url = f"/api/v1/payment-batches/{batch.pk}/export.csv/"

    def download() -> int:
        response = client.get(url)
        assert response.status_code == 200
        return sum(len(chunk) for chunk in response.streaming_content)

    row = harness.measure(
        "indemnity batch CSV, a year of lines",
        full=download,
        floor=lambda: _copy_seconds(batch),
        floor_is="PostgreSQL's COPY of the same rows",
        max_ratio=1 / 0.3,  # at least 0.3× COPY's throughput
        max_queries=20,
        rounds=3,
        notes={"lines": PATIENTS * LINES_PER_PATIENT},
        target="≥ 0.3× COPY's throughput (≤ 3.33× its time)",
    )
    benchmark.extra_info.update(ratio=row.ratio, queries=row.queries)
    benchmark.pedantic(download, rounds=1, iterations=1)
    print(f"\nCSV throughput ×{1 / row.ratio:.2f} of COPY's")
    assert row.queries <= 20
