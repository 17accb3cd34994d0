"""The pages made cheap at scale still show the same thing: the dashboard's team filter and
figures, the SIC calendar's contribution counts, the care plans API's order, the access log's
day filter (in the programme's time zone) and its pages without a count."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from labparcours.models import AccessLogEntry
from sic.models import Contribution, ContributionStatus, Sic
from tests.conftest import World, client_for
from tests.factories import PatientFactory, ProfessionalFactory, full_team, make_plan


@pytest.fixture(autouse=True)
def _no_cached_figures() -> None:
    cache.clear()


def _rows(world: World, query: dict[str, str]) -> set:
    response = client_for(world.coordinator).post("/coordination/", query)
    return {row.patient.pk for row in response.context["rows"]}


def test_it_filters_the_dashboard_on_complete_and_incomplete_teams(world: World) -> None:
    complete = PatientFactory(coordinator=world.coordinator)
    full_team(complete)
    incomplete = PatientFactory(coordinator=world.coordinator)
    members = full_team(incomplete)
    members["pharmacist"].left_at = timezone.now()  # left: the role is missing again
    members["pharmacist"].save()
    assert complete.pk in _rows(world, {"team": "complete"})
    assert incomplete.pk not in _rows(world, {"team": "complete"})
    assert incomplete.pk in _rows(world, {"team": "incomplete"})
    assert complete.pk not in _rows(world, {"team": "incomplete"})
    response = client_for(world.coordinator).post("/coordination/", {"team": "incomplete"})
    missing = {row.patient.pk: row.missing for row in response.context["rows"]}
    assert missing[incomplete.pk] == ["pharmacist"]


def test_the_dashboards_figures_are_the_programmes_and_cached_briefly(world: World) -> None:
    client = client_for(world.coordinator)
    before = client.get("/coordination/").context["stats"]
    PatientFactory(coordinator=world.coordinator)  # no team: included and incomplete
    assert client.get("/coordination/").context["stats"] == before
    cache.clear()  # what the time-to-live does after two minutes
    after = client.get("/coordination/").context["stats"]
    assert after["included"] == before["included"] + 1
    assert after["incomplete"] == before["incomplete"] + 1


def test_the_dashboard_is_sorted_by_name(world: World) -> None:
    for name in ("Zola", "Abel", "Martin"):
        PatientFactory(coordinator=world.coordinator, last_name=name)
    response = client_for(world.coordinator).get("/coordination/")
    names = [row.patient.last_name for row in response.context["rows"]]
    assert names == sorted(names)


def _text(response: object) -> str:
    return " ".join(response.content.decode().split())  # type: ignore[attr-defined]


def test_the_dashboard_counts_a_few_patients_exactly_on_every_view(world: World) -> None:
    for i in range(30):
        PatientFactory(coordinator=world.coordinator, last_name=f"Zorglub{i:02}")
    client = client_for(world.coordinator)
    first = client.post("/coordination/", {"q": "orglu"})
    assert (first.context["row_count"].rows, first.context["row_count"].approximate) == (30, False)
    assert "Page 1 sur 2 · 30 patients" in _text(first)
    PatientFactory(coordinator=world.coordinator, last_name="Zorglub30")
    second = client.post("/coordination/", {"q": "orglu", "page": "2"})
    assert [row.patient.last_name for row in second.context["rows"]] == [
        f"Zorglub{i:02}" for i in range(25, 31)
    ]
    assert "Page 2 sur 2 · 31 patients" in _text(second)
    assert not second.context["page"].has_next
    # A page past the end (a list that shrank meanwhile): its last page.
    past = client.post("/coordination/", {"q": "orglu", "page": "9"})
    assert past.context["page"].number == 2
    assert len(past.context["rows"]) == 6


def test_past_a_thousand_the_dashboard_shows_its_count_as_about_and_counts_it_once_a_minute(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from labparcours import paging

    monkeypatch.setattr(paging, "EXACT_UP_TO", 3)
    for i in range(5):
        PatientFactory(coordinator=world.coordinator, last_name=f"Zorglub{i}")
    client = client_for(world.coordinator)
    first = client.post("/coordination/", {"q": "orglu"})
    assert (first.context["row_count"].rows, first.context["row_count"].approximate) == (5, True)
    assert "Page 1 sur environ 1 · environ 5 patients" in _text(first)
    PatientFactory(coordinator=world.coordinator, last_name="Zorglub5")
    kept = client.post("/coordination/", {"q": "orglu"})
    assert kept.context["row_count"].rows == 5  # the count of a minute ago…
    assert len(kept.context["rows"]) == 6  # …the list, always up to date
    # Another filter, or another reader, is counted on its own.
    assert client.post("/coordination/", {"q": "orglub"}).context["row_count"].rows == 6
    cache.clear()  # what the time-to-live does after a minute
    assert client.post("/coordination/", {"q": "orglu"}).context["row_count"].rows == 6


def test_an_approximate_count_is_rounded_to_three_figures() -> None:
    from labparcours.paging import RowCount

    assert RowCount(rows=12_437, page_size=25, approximate=True).shown == 12_400
    assert RowCount(rows=12_437, page_size=25, approximate=True).pages == 498
    assert RowCount(rows=1_006, page_size=25, approximate=True).shown == 1_010
    assert RowCount(rows=12_437, page_size=25, approximate=False).shown == 12_437


def test_the_dashboards_search_finds_a_part_of_a_name_or_city_whatever_its_case(
    world: World,
) -> None:
    found = PatientFactory(
        coordinator=world.coordinator,
        last_name="Dupré-Lefebvre",
        first_name="Hélène",
        city="Roubaix",
    )
    for words in ("lefeb", "LEFEBV", "pré-le", "hélè", "OUBAI", "hélène dupré"):
        assert found.pk in _rows(world, {"q": words}), words
    # Every word must be found (accents: tests/patients/test_search_accents.py).
    assert found.pk not in _rows(world, {"q": "lefeb zorglub"})


def test_the_sic_calendar_counts_the_submitted_contributions_of_each_sic(world: World) -> None:
    patient = PatientFactory(coordinator=world.coordinator)
    sic = Sic.objects.create(
        patient=patient, due_date=datetime.date(2024, 7, 1), status="held", held_at=timezone.now()
    )
    for kind, status in (
        ("gp_summary", ContributionStatus.SUBMITTED),
        ("medication_review", ContributionStatus.SUBMITTED),
        ("nursing_assessment", ContributionStatus.DRAFT),
    ):
        Contribution.objects.create(
            sic=sic,
            kind=kind,
            status=status,
            author=world.gp,
            entered_by=world.gp,
            submitted_at=timezone.now() if status == ContributionStatus.SUBMITTED else None,
        )
    page = client_for(world.coordinator).get("/sic/", {"vue": "held"}).context["page"]
    assert {s.pk: s.n_submitted for s in page}[sic.pk] == 2
    body = client_for(world.coordinator).get("/api/v1/sics/", {"page_size": 100}).json()
    counted = {row["id"]: row["contributions_submitted"] for row in body["results"]}
    assert counted[sic.pk] == 2


def test_the_sic_calendars_held_tab_lists_the_latest_held_first(world: World) -> None:
    now = timezone.now()
    made = []
    for days in (40, 3, 400, 90, 12):
        patient = PatientFactory(coordinator=world.coordinator)
        held_at = now - datetime.timedelta(days=days)
        made.append(
            Sic.objects.create(
                patient=patient, due_date=held_at.date(), status="held", held_at=held_at
            ).pk
        )
    Sic.objects.create(patient=world.own, due_date=now.date(), status="planned")
    page = client_for(world.coordinator).get("/sic/", {"vue": "held"}).context["page"]
    held = [sic.held_at for sic in page]
    assert held == sorted(held, reverse=True)
    assert {sic.status for sic in page} == {"held"}
    assert set(made) <= {sic.pk for sic in page}


def test_the_sic_calendars_figures_are_counted_again_every_two_minutes(world: World) -> None:
    client = client_for(world.coordinator)
    before = client.get("/sic/").context["counts"]
    late = PatientFactory(coordinator=world.coordinator)
    Sic.objects.create(
        patient=late, due_date=timezone.localdate() - datetime.timedelta(days=3), status="planned"
    )
    again = client.get("/sic/")
    assert again.context["counts"] == before
    assert late.pk in {sic.patient_id for sic in again.context["page"]}  # the list: at once
    cache.clear()  # what the time-to-live does after two minutes
    assert client.get("/sic/").context["counts"]["overdue"] == before["overdue"] + 1


def test_the_care_plans_api_pages_by_cursor_every_plan_once(world: World) -> None:
    """Pages follow the primary key: the `next` cursor continues where the page stopped, so
    a client walks the whole list, each plan once, without the server counting or skipping."""
    made = []
    for _ in range(3):
        patient = PatientFactory(coordinator=world.coordinator)
        full_team(patient, nurse=world.nurse.professional)
        made += [make_plan(world, patient, status="validated").pk, make_plan(world, patient).pk]
    client = client_for(world.coordinator)
    seen, url = [], "/api/v1/careplans/?page_size=2"
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(seen)
    assert set(made) <= set(seen)
    assert len(seen) == len(set(seen))


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _entry_at(world: World, local: datetime.datetime) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        patient=world.own, user=world.gp, what="patient record", at=local
    )


def test_the_access_log_filters_whole_days_in_the_programmes_time_zone(world: World) -> None:
    day = datetime.date(2026, 3, 10)
    late = _entry_at(world, datetime.datetime(2026, 3, 10, 23, 30, tzinfo=PARIS))  # 22:30 UTC
    early = _entry_at(
        world, datetime.datetime(2026, 3, 10, 0, 15, tzinfo=PARIS)
    )  # 23:15 UTC, day before
    after = _entry_at(world, datetime.datetime(2026, 3, 11, 0, 30, tzinfo=PARIS))
    before = _entry_at(world, datetime.datetime(2026, 3, 9, 23, 59, tzinfo=PARIS))
    response = client_for(world.admin).get(
        "/gestion/journal-acces/", {"since": day.isoformat(), "until": day.isoformat()}
    )
    shown = {e.pk for e in response.context["page"]}
    assert shown == {late.pk, early.pk}
    assert after.pk not in shown
    assert before.pk not in shown


def test_the_access_log_pages_go_previous_and_next_without_a_count(
    world: World, django_assert_max_num_queries
) -> None:
    start = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=PARIS)
    for minute in range(120):
        _entry_at(world, start + datetime.timedelta(minutes=minute))
    query = {"since": "2026-03-10", "until": "2026-03-10"}
    client = client_for(world.admin)
    first = client.get("/gestion/journal-acces/", query)
    assert first.context["page"].has_next
    assert not first.context["page"].has_previous
    assert "page=2" in first.content.decode()
    last = client.get("/gestion/journal-acces/", {**query, "page": "3"})
    assert len(last.context["page"]) == 20
    assert not last.context["page"].has_next
    assert "page=2" in last.content.decode()
    newest = [e.at for e in first.context["page"]]
    assert newest == sorted(newest, reverse=True)
    assert client.get("/gestion/journal-acces/", {"page": "x"}).status_code == 200


@pytest.mark.parametrize("page", ["/patients/{pk}/journal-acces/", "/mon-dossier/acces/"])
def test_a_patients_access_log_reads_its_readers_in_a_constant_number_of_queries(
    world: World, page: str, django_assert_max_num_queries
) -> None:
    reader = world.admin if page.startswith("/patients") else world.patient_user
    client = client_for(reader)
    url = page.format(pk=world.own.pk)
    client.get(url)

    def read_by_many(n: int) -> None:
        for _ in range(n):
            professional = ProfessionalFactory()
            AccessLogEntry.objects.create(
                patient=world.own, user=_user_of(professional), what="patient record"
            )
            AccessLogEntry.objects.create(
                patient=world.own, user=world.coordinator, what="dashboard"
            )

    read_by_many(1)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    read_by_many(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page_shown = client.get(url)
    assert page_shown.status_code == 200
    shown = page_shown.context["page"].object_list
    if reader == world.admin:
        assert len(shown) == 50
    else:
        # The patient reads them grouped by reader, read and day: the 26 professionals, the
        # coordinator's 26 dashboard views on one line, the patient's own visits on another.
        assert len(shown) == 28
        coordinator = world.coordinator.get_full_name()
        assert [line.times for line in shown if line.who == coordinator] == [26]


def _user_of(professional: object) -> object:
    from tests.factories import UserFactory

    user = UserFactory(role="clinician")
    professional.user = user  # type: ignore[attr-defined]
    professional.save()  # type: ignore[attr-defined]
    return user


@pytest.mark.parametrize(
    "query", [{}, {"team": "incomplete"}, {"team": "complete", "page": "2"}, {"q": "a"}]
)
def test_the_dashboards_filters_run_a_constant_number_of_queries(
    world: World, query: dict[str, str], django_assert_max_num_queries
) -> None:
    client = client_for(world.coordinator)
    client.post("/coordination/", query)

    def add(n: int) -> None:
        for i in range(n):
            patient = PatientFactory(coordinator=world.coordinator, last_name=f"Martin{i}")
            if i % 2:
                full_team(patient)

    add(2)
    with django_assert_max_num_queries(30) as few:
        assert client.post("/coordination/", query).status_code == 200
    add(60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.post("/coordination/", query).status_code == 200


def test_the_admins_access_log_counts_exactly_when_filtered_or_small(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from labparcours import paging

    for _ in range(3):
        AccessLogEntry.objects.create(patient=world.own, user=world.gp, what="patient record")
    everything = AccessLogEntry.objects.all()
    assert paging.EstimatedCountPaginator(everything, 50).count == everything.count()
    monkeypatch.setattr(paging, "_estimated_rows", lambda rows: 2_000_000)
    assert paging.EstimatedCountPaginator(everything, 50).count == 2_000_000
    mine = everything.filter(user=world.gp)
    assert paging.EstimatedCountPaginator(mine, 50).count == mine.count()


def test_the_estimate_is_postgresqls_own(world: World, needs_postgres: None) -> None:
    from django.db import connection

    from labparcours.paging import _estimated_rows

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE labparcours_accesslogentry")
    assert _estimated_rows(AccessLogEntry.objects.all()) is not None


def test_the_programmes_staff_read_sics_and_plans_without_a_scope_join(
    world: World, sics: dict
) -> None:
    from careplans.models import CarePlan

    for model in (Sic, CarePlan):
        staff = model.objects.visible_to(world.coordinator).order_by("pk")
        assert "patients_patient" not in str(staff.query)
    seen = set(Sic.objects.visible_to(world.coordinator))
    assert {sics["own"], sics["other"]} <= seen
    assert set(Sic.objects.visible_to(world.gp)) == {sics["own"]}
    assert not Sic.objects.visible_to(world.former_member).exists()
