"""The pages and endpoints people open most, on a programme written by `seed_scale`
(`BENCH_SCALE` × 10,000 patients, 1× by default), on PostgreSQL: each timed against its own SQL
run through a raw cursor, interleaved in the same run (`benchmarks/harness.py`), with the
issue's targets. Rows go to `bench/results.json` and `BENCHMARKS.md`; a missed target is
reported there, not raised, so that one run shows every row.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks import harness
from careplans.models import CarePlan
from labparcours.models import User
from patients.models import Patient
from programme.scale import ScaleSeeder
from sic.models import Sic

SCALE = int(os.environ.get("BENCH_SCALE", "1"))
PATIENTS = 10_000 * SCALE


@pytest.fixture(scope="module")
def programme(module_world, django_db_blocker) -> ScaleSeeder:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the benchmark at scale runs on PostgreSQL (set DATABASE_URL)")
    with django_db_blocker.unblock():
        seeder = ScaleSeeder(patients=PATIENTS)
        start = time.perf_counter()
        seeder.run()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"\n{PATIENTS} patients written in {time.perf_counter() - start:.0f} s")
    return seeder


def client_of(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def own_sql(get: Callable[[], object]) -> list[str]:
    """The SELECTs an answer runs (its floor: the same statements through a raw cursor)."""
    with CaptureQueriesContext(connection) as queries:
        get()
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]


def raw(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def measure_page(name: str, client: Client, url: str, max_ratio: float) -> harness.Row:
    def get() -> object:
        response = client.get(url)
        assert response.status_code == 200, url
        return response

    get()  # warm: the session, the caches
    statements = own_sql(get)
    return harness.measure(
        f"{name} ({SCALE}×)",
        full=get,
        floor=lambda: raw(statements),
        floor_is="its SQL, raw cursor",
        max_ratio=max_ratio,
        notes={"patients": PATIENTS, "url": url},
    )


def measure_api(name: str, client: Client, url: str, model: type[Model]) -> harness.Row:
    """An API page against the issue's floor: the same rows as `.values()` and `json.dumps`."""

    def get() -> object:
        response = client.get(url)
        assert response.status_code == 200, url
        return response

    ids = [row["id"] for row in get().json()["results"]]  # type: ignore[attr-defined]

    def floor() -> str:
        return json.dumps(list(model.objects.filter(pk__in=ids).values()), default=str)

    return harness.measure(
        f"{name} ({SCALE}×)",
        full=get,
        floor=floor,
        floor_is="the page's rows, .values() + json.dumps",
        max_ratio=2,
        notes={"patients": PATIENTS, "url": url},
    )


@pytest.mark.parametrize(
    ("name", "url", "model"),
    [
        ("API: SICs, first page", "/api/v1/sics/", Sic),
        ("API: SICs, page 50", "/api/v1/sics/?page=50", Sic),
        ("API: care plans", "/api/v1/careplans/", CarePlan),
        ("API: patients", "/api/v1/patients/", Patient),
    ],
)
def test_an_api_list_at_scale(
    benchmark, db, programme: ScaleSeeder, name: str, url: str, model: type[Model]
) -> None:
    client = client_of(programme.coordinator_email)
    row = measure_api(name, client, url, model)
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    benchmark.pedantic(client.get, args=(url,), rounds=1, iterations=1)


@pytest.mark.parametrize(
    ("name", "who", "url", "max_ratio"),
    [
        ("coordinator dashboard, first page", "coordinator", "/coordination/", 3),
        ("coordinator dashboard, page 200", "coordinator", "/coordination/?page=200", 3),
        ("coordinator dashboard, pathway filter", "coordinator", "/coordination/?pathway=dt2", 3),
        ("coordinator dashboard, a search", "coordinator", "/coordination/?q=Martin", 3),
        ("« Mes patients », a GP in 500 teams", "gp", "/mes-patients/", 3),
        ("SIC calendar, held", "coordinator", "/sic/?vue=held", 3),
    ],
)
def test_a_list_at_scale(
    benchmark, db, programme: ScaleSeeder, name: str, who: str, url: str, max_ratio: float
) -> None:
    email = programme.coordinator_email if who == "coordinator" else programme.star_gp_email
    client = client_of(email)
    row = measure_page(name, client, url, max_ratio)
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    benchmark.pedantic(client.get, args=(url,), rounds=1, iterations=1)


def test_a_patient_page_at_scale(benchmark, db, programme: ScaleSeeder) -> None:
    client = client_of(programme.star_gp_email)
    patient = Patient.objects.filter(
        care_team__memberships__professional__user__email=(programme.star_gp_email)
    ).first()
    assert patient is not None
    url = f"/patients/{patient.pk}/"
    row = measure_page("patient page", client, url, 3)
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    benchmark.pedantic(client.get, args=(url,), rounds=1, iterations=1)
