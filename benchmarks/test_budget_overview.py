"""The admin's budget overview and exports on 10,000 patients, on PostgreSQL (`make bench`
with DATABASE_URL): a constant number of queries, and the overview within 3× of its own SQL
run raw (the same statements, timed in the same run, without Django around them).

The cohort is written in bulk (tests/budget/overview_cohort.py): 10,000 envelopes, as many
approved requests, 8,000 expenses, about 40,000 ledger rows.
"""

from __future__ import annotations

import datetime
import statistics
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import harness
from budget.models import CareProvider, ProviderKind
from tests.budget.overview_cohort import bulk_cohort
from tests.conftest import World, client_for
from tests.factories import category

PATIENTS = 10_000
# What the overview asks the database, whatever the cohort (tests/budget/
# test_overview_queries.py holds it from 10 to 500 patients): the session, the user, the
# categories, the three figures and two counts, the reads written to the access log.
MAX_QUERIES = 12


@pytest.fixture(scope="module")
def cohort(module_world: World, django_db_blocker) -> World:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the benchmark of the budget runs on PostgreSQL (set DATABASE_URL)")
    with django_db_blocker.unblock():
        provider = CareProvider.objects.create(
            kind=ProviderKind.ASSOCIATION, name="Sport Santé", siret="73282932000074"
        )
        start = time.perf_counter()
        bulk_cohort(
            PATIENTS,
            coordinator=module_world.coordinator,
            admin=module_world.admin,
            categories=[category("diététicien·ne"), category("psychologue"), category("apa")],
            provider=provider,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"\ncohort of {PATIENTS} patients written in {time.perf_counter() - start:.1f} s")
    return module_world


def _raw_seconds(statements: list[str], rounds: int = 5) -> float:
    """The median time of the page's SELECTs, run straight on the cursor."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_the_overview_on_10000_patients(benchmark, cohort: World, world: World) -> None:
    client = client_for(world.admin)
    assert client.get("/gestion/budget/").status_code == 200  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/gestion/budget/")
    assert response.status_code == 200
    assert response.context["data"].nearly_spent_count == PATIENTS // 5
    assert len(queries.captured_queries) <= MAX_QUERIES
    for q in queries.captured_queries:
        print(f"{float(q['time']) * 1000:7.1f} ms  {q['sql'][:90]}")
    own_sql = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    row = harness.measure(
        "budget overview (admin)",
        full=lambda: client.get("/gestion/budget/"),
        floor=lambda: _raw_seconds(own_sql, rounds=1),
        floor_is="its SQL, raw cursor",
        max_ratio=3,
        max_queries=MAX_QUERIES,
        notes={"patients": PATIENTS},
    )
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    benchmark.pedantic(client.get, args=("/gestion/budget/",), rounds=1, iterations=1)


@pytest.mark.parametrize(("what", "fmt"), [("mouvements", "csv"), ("depenses", "xlsx")])
def test_an_export_on_10000_patients(
    benchmark, cohort: World, world: World, what: str, fmt: str
) -> None:
    today = timezone.localdate()
    url = (
        f"/gestion/budget/exports/?quoi={what}&du={today.replace(year=today.year - 2)}"
        f"&au={today}&format={fmt}"
    )
    client = client_for(world.admin)

    def download() -> int:
        response = client.get(url)
        assert response.status_code == 200
        return sum(len(chunk) for chunk in response.streaming_content)

    download()  # warm
    with CaptureQueriesContext(connection) as queries:
        size = download()
    assert len(queries.captured_queries) <= MAX_QUERIES
    assert size > 100_000
    benchmark.extra_info.update(queries=len(queries.captured_queries), bytes=size)
    benchmark.pedantic(download, rounds=2, iterations=1)


def _waiting_requests(world: World, every: int = 4) -> int:
    """A waiting request for one patient in `every`: what the coordinator has to decide."""
    from budget.models import BudgetEnvelope, CareRequestStatus, SupplementaryCare

    provider = CareProvider.objects.get(siret="73282932000074")
    now = timezone.now()
    envelopes = BudgetEnvelope.objects.order_by("pk").values_list("pk", "patient_id")[::every]
    rows = SupplementaryCare.objects.bulk_create(
        [
            SupplementaryCare(
                envelope_id=envelope,
                category=category("psychologue"),
                provider=provider,
                sessions=6,
                unit_price=Decimal("45.00"),
                prescriber=world.gp,
                requested_at=now - datetime.timedelta(hours=i),
                status=CareRequestStatus.REQUESTED,
            )
            for i, (envelope, _patient) in enumerate(envelopes)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(rows)


def test_the_requests_to_approve_on_10000_patients(benchmark, cohort: World, world: World) -> None:
    waiting = _waiting_requests(world)
    client = client_for(world.coordinator)
    url = "/soins-complementaires/a-valider/"
    assert client.get(url).status_code == 200  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # tests/budget/test_pages_queries.py holds the same count from 10 to 500 rows.
    assert len(queries.captured_queries) <= 30
    own_sql = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    row = harness.measure(
        "« Demandes à valider » (coordinator)",
        full=lambda: client.get(url),
        floor=lambda: _raw_seconds(own_sql, rounds=1),
        floor_is="its SQL, raw cursor",
        max_ratio=3,
        max_queries=30,
        notes={"patients": PATIENTS, "waiting": waiting},
    )
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    benchmark.pedantic(client.get, args=(url,), rounds=1, iterations=1)
