"""The pages and endpoints people open most, on a programme written by `seed_scale`
(`BENCH_SCALE` × 10,000 patients, 1× by default), on PostgreSQL: each timed against its own SQL
run through a raw cursor, interleaved in the same run (`benchmarks/harness.py`), with the
issue's targets. Rows go to `bench/results.json` and `BENCHMARKS.md`; a missed target is
reported there, not raised, so that one run shows every row.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from typing import ClassVar
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from weasyprint import HTML

from benchmarks import harness
from careplans.models import Action, CarePlan, Goal
from labparcours.models import Role, User
from labparcours.pdf import font_config
from labparcours.planner import programme_wide
from patients.models import Patient
from programme.scale import ScaleSeeder
from reminders.sweep import due_reminders, reminders_sweep
from sic.models import Decision, Sic

SCALE = int(os.environ.get("BENCH_SCALE", "1"))
# BENCH_PATIENTS: a smaller cohort, to try the benchmark itself quickly (not a measure).
PATIENTS = int(os.environ.get("BENCH_PATIENTS", 10_000 * SCALE))
# BENCH_SEEDED=1: the test database was written before by `seed_scale --patients N` (on an
# empty database, N = PATIENTS) and is kept (--reuse-db): at 10× the writing takes longer than
# the benchmark, and one programme serves several runs.
SEEDED = os.environ.get("BENCH_SEEDED") == "1"


@pytest.fixture(scope="module")
def programme(module_world, django_db_blocker) -> ScaleSeeder:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the benchmark at scale runs on PostgreSQL (set DATABASE_URL)")
    with django_db_blocker.unblock():
        if SEEDED:
            seeder = ScaleSeeder(patients=PATIENTS, existing=0)
            if not User.objects.filter(email=seeder.coordinator_email).exists():
                pytest.fail(f"BENCH_SEEDED=1, but no programme of {PATIENTS} patients was seeded")
            return seeder
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


# The statements of an answer that its floor runs again: its reads and its writes (the access
# log's rows, a session's last use), not the savepoints around them.
STATEMENTS = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "SET LOCAL")


def own_sql(get: Callable[[], object]) -> list[str]:
    """The SQL an answer runs (its floor: the same statements through a raw cursor), the
    access log's INSERT included: it is the page's own work as much as its reads."""
    with CaptureQueriesContext(connection) as queries:
        get()
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(STATEMENTS)]


def raw(statements: list[str]) -> None:
    """The statements through a raw cursor, each committed on its own as the page's are; a
    planner setting the page makes for its transaction (`SET LOCAL`, labparcours.planner)
    is made for the floor's session until its end."""
    made: list[str] = []
    with connection.cursor() as cursor:
        try:
            for sql in statements:
                if sql.startswith("SET LOCAL "):
                    sql = "SET " + sql.removeprefix("SET LOCAL ")
                    made.append(sql.split()[1])
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
        finally:
            for name in made:
                cursor.execute(f"RESET {name}")


def measure_page(
    name: str, client: Client, url: str, max_ratio: float, posted: dict | None = None
) -> harness.Row:
    """The page at `url`, or the answer to the form `posted` to it (the dashboard's filters
    and pages are posted: no name in a URL)."""

    def get() -> object:
        response = client.post(url, posted) if posted is not None else client.get(url)
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
        notes={"patients": PATIENTS, "url": url, **({"posted": posted} if posted else {})},
    )


# The rows of other tables that an API page shows inside each of its rows (a SIC's decisions,
# a plan's goals and actions), by the key that names their parent: the issue's floor is "the
# same page", and the page is these rows too.
NESTED: dict[type[Model], dict[str, tuple[type[Model], str]]] = {
    Sic: {"decisions": (Decision, "sic")},
    CarePlan: {"goals": (Goal, "plan"), "actions": (Action, "plan")},
}


def measure_api(name: str, client: Client, url: str, model: type[Model]) -> harness.Row:
    """An API page against the issue's floor: the same rows as `.values()` and `json.dumps`,
    with the rows of other tables it shows inside them (`NESTED`)."""

    def get() -> object:
        response = client.get(url)
        assert response.status_code == 200, url
        return response

    ids = [row["id"] for row in get().json()["results"]]  # type: ignore[attr-defined]
    nested = NESTED.get(model, {})

    def floor() -> str:
        page = {"results": list(model.objects.filter(pk__in=ids).values())}
        for part, (table, parent) in nested.items():
            page[part] = list(table._default_manager.filter(**{f"{parent}__in": ids}).values())
        return json.dumps(page, default=str)

    shown = f"the page's rows and their {', '.join(nested)}" if nested else "the page's rows"
    return harness.measure(
        f"{name} ({SCALE}×)",
        full=get,
        floor=floor,
        floor_is=f"{shown}, .values() + json.dumps",
        max_ratio=2,
        notes={"patients": PATIENTS, "url": url},
    )


@pytest.mark.parametrize(
    ("name", "url", "model"),
    [
        ("API: SICs, first page", "/api/v1/sics/", Sic),
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
    ("name", "who", "url", "posted", "max_ratio"),
    [
        ("coordinator dashboard, first page", "coordinator", "/coordination/", None, 3),
        ("coordinator dashboard, page 200", "coordinator", "/coordination/", {"page": 200}, 3),
        (
            "coordinator dashboard, pathway filter",
            "coordinator",
            "/coordination/",
            {"pathway": "dt2"},
            3,
        ),
        ("coordinator dashboard, a search", "coordinator", "/coordination/", {"q": "Martin"}, 3),
        ("« Mes patients », a GP in 500 teams", "gp", "/mes-patients/", None, 3),
        ("SIC calendar, held", "coordinator", "/sic/?vue=held", None, 3),
        # Computed again on each view (« Recalculer »), not read from the figures kept.
        (
            "indicators, the last twelve months",
            "coordinator",
            "/indicateurs/?recalculer=1",
            None,
            3,
        ),
    ],
)
def test_a_list_at_scale(
    benchmark,
    db,
    programme: ScaleSeeder,
    name: str,
    who: str,
    url: str,
    posted: dict | None,
    max_ratio: float,
) -> None:
    email = programme.coordinator_email if who == "coordinator" else programme.star_gp_email
    client = client_of(email)
    row = measure_page(name, client, url, max_ratio, posted)
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    if posted is not None:
        benchmark.pedantic(client.post, args=(url, posted), rounds=1, iterations=1)
    else:
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


def test_what_every_answer_pays(benchmark, db, programme: ScaleSeeder) -> None:
    """Reference rows, without targets: what a page and an API answer cost when they show
    (nearly) nothing, against their own SQL — the session, the user, the middleware, the
    layout (the bell's count) or DRF's authentication, throttling and rendering. A page whose
    own SQL costs about as much as the layout's cannot be within ×3 of it."""
    user, _created = User.objects.get_or_create(
        email="reference.bench@scale.test",
        defaults={"role": Role.COORDINATOR, "first_name": "Référence", "last_name": "Banc"},
    )
    client = Client()
    client.force_login(user)
    assert not user.notifications.exists()
    measure_page(
        "a page that shows nothing: « Notifications », none (the layout, session and user)",
        client,
        "/notifications/",
        harness.REFERENCE,
    )
    row = measure_page(
        "API: a page of one patient (authentication, throttling, rendering)",
        client,
        "/api/v1/patients/?page_size=1",
        harness.REFERENCE,
    )
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)  # timed above


# --- Deep pages, PDFs, the access log, throughput -------------------------------------------


def cursor_after(position: object) -> str:
    """The API's cursor for "after this key" (DRF's cursor: base64 of `p=<position>`)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode()).decode()


def test_an_api_deep_page_costs_what_the_first_costs(benchmark, db, programme) -> None:
    """A page deep in the list (four fifths in), found by its cursor, against the first page
    of the same size."""
    client = client_of(programme.coordinator_email)
    sics = Sic.objects.order_by("pk").values_list("pk", flat=True)
    depth = sics.count() * 4 // 5
    deep_key = sics[depth]
    first = "/api/v1/sics/?page_size=100"
    deep = f"/api/v1/sics/?page_size=100&cursor={cursor_after(deep_key)}"
    assert client.get(deep).json()["results"][0]["id"] > deep_key
    measure_api("API: SICs, a page of 100, first", client, first, Sic)
    measure_api("API: SICs, a page of 100, four fifths in (cursor)", client, deep, Sic)

    def get(url: str) -> Callable[[], object]:
        return lambda: client.get(url)

    row = harness.measure(
        f"API: SICs, deep page against the first ({SCALE}×)",
        full=get(deep),
        floor=get(first),
        floor_is="the first page of the same size",
        max_ratio=1.2,
        target="as fast as the first page (≤ 1.2×)",
    )
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    benchmark.pedantic(client.get, args=(deep,), rounds=1, iterations=1)


class _KeepHtml:
    """Stands in for WeasyPrint's HTML during one call: keeps the HTML it was given."""

    kept: ClassVar[list[str]] = []

    def __init__(self, *, string: str, base_url: str) -> None:
        self.kept.append(string)

    def write_pdf(self, **options: object) -> bytes:
        return b"%PDF-"


@pytest.mark.parametrize(
    ("name", "url_of", "max_ms"),
    [
        ("care plan PDF", lambda p: f"/plans/{p.plan_id}/pdf/", 300),
        ("SIC report PDF", lambda p: f"/sic/{p.held_sic_id}/rapport.pdf", None),
    ],
)
def test_a_pdf_against_weasyprint_alone(
    benchmark, db, programme, monkeypatch, name: str, url_of, max_ms
) -> None:
    plan = CarePlan.objects.filter(status="validated").order_by("pk").first()
    held = Sic.objects.filter(status="held").order_by("-pk").first()
    assert plan is not None
    assert held is not None
    ids = type("Ids", (), {"plan_id": plan.pk, "held_sic_id": held.pk})
    client = client_of(programme.coordinator_email)
    url = url_of(ids)
    with monkeypatch.context() as patch:
        patch.setattr("labparcours.pdf.HTML", _KeepHtml)
        _KeepHtml.kept.clear()
        assert client.get(url).status_code == 200
    html = _KeepHtml.kept[-1]

    def full() -> object:
        response = client.get(url)
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    row = harness.measure(
        f"{name} ({SCALE}×)",
        full=full,
        # What the application keeps from one PDF to the next (the fonts), the floor keeps too.
        floor=lambda: HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            font_config=font_config()
        ),
        floor_is="WeasyPrint rendering the page's HTML, already built",
        max_ratio=1.2,
        target="≤ 1.2× floor" + (f", median under {max_ms} ms" if max_ms else ""),
    )
    if max_ms and row.median_ms > max_ms:
        row.met = False
        row.reason = "; ".join(filter(None, [row.reason, f"median over {max_ms} ms"]))
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio)
    benchmark.pedantic(client.get, args=(url,), rounds=1, iterations=1)


LOG_ENTRIES = 10_000


@pytest.fixture(scope="module")
def logged_patient(programme, django_db_blocker) -> tuple[Patient, str]:
    """A patient with an account whose record was read 10,000 times by professionals."""
    with django_db_blocker.unblock():
        patient = Patient.objects.filter(user__isnull=True).order_by("pk").first()
        assert patient is not None
        user = User.objects.create_user(
            email="patient.bench@scale.test",
            password=None,
            role="patient",
            first_name=patient.first_name,
            last_name=patient.last_name,
        )
        patient.user = user
        patient.save(update_fields=["user"])
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO labparcours_accesslogentry
                    (patient_id, user_id, at, what, listed, ip_address)
                SELECT %s, u.id, now() - (n || ' minutes')::interval,
                       CASE WHEN n %% 3 = 0 THEN 'dashboard' ELSE 'patient record' END,
                       n %% 3 = 0, NULL
                FROM generate_series(1, %s) AS n
                JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn
                      FROM labparcours_user WHERE role = 'clinician' LIMIT 200) AS u
                  ON u.rn = 1 + n %% 200
                """,
                [str(patient.pk), LOG_ENTRIES],
            )
            cursor.execute("ANALYZE labparcours_accesslogentry")
    return patient, user.email


def test_the_access_logs_at_scale(benchmark, db, programme, logged_patient) -> None:
    """The patient's own log and a professional's view of it, 10,000 entries deep, and the
    admin's log filtered by day: query counts equal on the first and a deep page."""
    patient, email = logged_patient
    today = timezone.localdate().isoformat()
    pages = [
        ("the patient's access log, 10,000 entries", email, "/mon-dossier/acces/"),
        (
            "a patient's access log (programme admin), 10,000 entries",
            programme.admin_email,
            f"/patients/{patient.pk}/journal-acces/",
        ),
        (
            "the admin's access log, one day",
            programme.admin_email,
            f"/gestion/journal-acces/?since={today}&until={today}",
        ),
    ]
    for name, who, url in pages:
        client = client_of(who)
        row = measure_page(name, client, url, 3)
        deep = f"{url}{'&' if '?' in url else '?'}page=20"
        assert harness.count_queries(lambda c=client, u=deep: c.get(u)) == row.queries, name
    benchmark.pedantic(client.get, args=(url,), rounds=1, iterations=1)


# --- The reminder sweep over the whole programme ----------------------------------------------

SWEEP_MAX_SECONDS_AT_10X = 5


def planned_for_the_programme(statements: list[str]) -> None:
    """The statements as the sweep runs them: planned for the whole programme (no JIT
    compilation, `labparcours.planner`), so that the floor is not slowed by what the sweep
    itself does not do."""
    with programme_wide():
        raw(statements)


def test_the_reminder_sweep_over_the_programme(benchmark, db, programme) -> None:
    """The hourly sweep over every patient of the programme (`reminders_sweep`, rolled back
    after each round: each is the day's first, every reminder due new to the ledger), against
    its rules' selection SQL through a raw cursor; at 10×, within five seconds too."""
    now = timezone.now()
    with CaptureQueriesContext(connection) as selection:
        due = len(due_reminders(now))
    statements = [q["sql"] for q in selection.captured_queries]
    at_scale = SCALE >= 10
    row = harness.measure(
        f"reminder sweep over the programme, first of the day ({SCALE}×)",
        full=harness.rolled_back(reminders_sweep, now=now),
        floor=harness.rolled_back(planned_for_the_programme, statements),
        floor_is="the rules' selection SQL alone, raw cursor",
        max_ratio=2,
        rounds=3,
        notes={"patients": PATIENTS, "due": due},
        target="≤ 2× floor" + (f", ≤ {SWEEP_MAX_SECONDS_AT_10X} s" if at_scale else ""),
    )
    if at_scale and row.median_ms > SWEEP_MAX_SECONDS_AT_10X * 1000:
        row.met = False
        row.reason = "; ".join(
            filter(None, [row.reason, f"over {SWEEP_MAX_SECONDS_AT_10X} s at {SCALE}×"])
        )
    benchmark.extra_info.update(queries=row.queries, ratio=row.ratio, due=due)
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)  # timed above
