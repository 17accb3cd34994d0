"""List pages and endpoints run a number of queries that does not grow with the rows."""

import pytest

from tests.conftest import World, client_for
from tests.factories import MembershipFactory, PatientFactory, ProfessionalFactory, full_team


def add_patients(world: World, n: int) -> None:
    gp = world.gp.professional
    for _ in range(n):
        patient = PatientFactory(coordinator=world.coordinator)
        full_team(patient, gp=gp)
        ProfessionalFactory()


LISTS = [
    ("coordinator", "/coordination/"),
    ("gp", "/mes-patients/"),
    ("coordinator", "/annuaire/"),
    ("admin", "/gestion/journal-acces/"),
    ("admin", "/gestion/journal-acces/?since=2020-01-01&until=2099-12-31&page=2"),
    ("coordinator", "/api/v1/patients/"),
    ("gp", "/api/v1/patients/"),
    ("coordinator", "/api/v1/teams/"),
    ("coordinator", "/api/v1/professionals/"),
]


@pytest.mark.parametrize(("role", "url"), LISTS)
def test_the_number_of_queries_does_not_grow_with_the_patients(
    world: World, role: str, url: str, django_assert_max_num_queries
) -> None:
    client = client_for(world.user(role))
    client.get(url)  # warm the session
    add_patients(world, 1)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add_patients(world, 49)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_team_of_a_patient_is_read_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world.coordinator)
    url = f"/patients/{world.own.pk}/equipe/"
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(10):
        MembershipFactory(patient=world.own, role="other")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


SIC_LISTS = [
    ("coordinator", "/sic/?vue=overdue"),
    ("coordinator", "/sic/?vue=held"),
    ("coordinator", "/coordination/"),
    ("gp", "/mes-patients/"),
    ("coordinator", "/api/v1/sics/"),
    ("gp", "/api/v1/sics/"),
]


def add_patients_with_sics(world: World, n: int) -> None:
    import datetime

    from django.utils import timezone

    from sic.models import Decision, Sic

    gp = world.gp.professional
    for _ in range(n):
        patient = PatientFactory(coordinator=world.coordinator)
        full_team(patient, gp=gp)
        held = Sic.objects.create(
            patient=patient,
            due_date=datetime.date(2024, 7, 1),
            status="held",
            held_at=timezone.now(),
        )
        Decision.objects.create(sic=held, text="Adapter le traitement")
        Sic.objects.create(patient=patient, due_date=datetime.date(2025, 1, 1))


@pytest.mark.parametrize(("role", "url"), SIC_LISTS)
def test_sic_lists_run_a_constant_number_of_queries(
    world: World, role: str, url: str, django_assert_max_num_queries
) -> None:
    client = client_for(world.user(role))
    client.get(url)
    add_patients_with_sics(world, 1)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add_patients_with_sics(world, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def add_patients_with_plans(world: World, n: int) -> None:
    from tests.factories import make_plan

    for _ in range(n):
        patient = PatientFactory(coordinator=world.coordinator)
        full_team(patient, nurse=world.nurse.professional)
        make_plan(world, patient, status="validated")


@pytest.mark.parametrize(
    ("role", "url"), [("nurse", "/mes-actions/"), ("coordinator", "/api/v1/careplans/")]
)
def test_care_plan_lists_run_a_constant_number_of_queries(
    world: World, role: str, url: str, django_assert_max_num_queries
) -> None:
    client = client_for(world.user(role))
    client.get(url)
    add_patients_with_plans(world, 1)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add_patients_with_plans(world, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["gp", "coordinator"])
def test_the_patient_page_reads_a_constant_number_of_queries_whatever_the_team(
    world: World, role: str, django_assert_max_num_queries
) -> None:
    """Its team and its former members grow; its queries do not (a few per card, one for
    the team with its missing roles, the coordinator read with the patient)."""
    client = client_for(world.user(role))
    url = f"/patients/{world.own.pk}/"
    client.get(url)
    with django_assert_max_num_queries(18) as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        MembershipFactory(patient=world.own, role="other").leave()
        MembershipFactory(patient=world.own, role="specialist")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["active_members"]) == 4 + 8
