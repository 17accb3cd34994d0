"""A patient found by identity traits (identitovigilance, RNIV): a hospital receiving a
patient whose INS is not yet qualified searches by birth name or used name (`family`), first
name (`given`), birth date and sex, in a form body as for the INS. The traits are matched
exactly, capitals aside and, on PostgreSQL, accents aside; a name needs its birth date; the
search answers within the caller's scope, and each patient found is a read of their record."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from labparcours.models import AccessLogEntry
from patients.models import Patient
from tests.conftest import World, client_for
from tests.factories import PatientFactory
from tests.fhir.searching import FORM, SEARCH, body, found, refusal, search

BORN = "1947-03-09"
# The traits of the patient searched: names no drawn name of the test world meets.
TRAITS = {"family": "Quérandeau", "given": "Hélène", "birthdate": BORN, "gender": "female"}


@pytest.fixture
def helene(world: World) -> Patient:
    """Born Brévilliers, known under her married name Quérandeau; outside the world's teams
    (the coordinator's scope, not the GP's)."""
    return PatientFactory(
        coordinator=world.coordinator,
        last_name="Quérandeau",
        birth_name="Brévilliers",
        first_name="Hélène",
        birth_date=datetime.date(1947, 3, 9),
        sex="F",
    )


def reads_of(patient: Patient) -> int:
    return AccessLogEntry.objects.filter(patient=patient).count()


@pytest.mark.parametrize(
    "traits",
    [
        TRAITS,
        {"family": "QUéRANDEAU", "given": "HéLèNE", "birthdate": BORN},
        {"family": "quérandeau", "birthdate": BORN, "gender": "female"},
        {"family": "  Quérandeau ", "birthdate": f"eq{BORN}"},
        # The birth name finds her as well as the name she uses.
        {"family": "BRéVILLIERS", "given": "Hélène", "birthdate": BORN},
    ],
)
def test_it_finds_the_patient_by_her_traits_whatever_the_capitals(
    world: World, helene: Patient, traits: dict[str, str]
) -> None:
    bundle = search(client_for(world.coordinator), body(**traits))
    assert found(bundle) == [str(helene.pk)]
    assert bundle["entry"][0]["resource"]["name"][0]["family"] == "Quérandeau"


@pytest.mark.parametrize(
    "traits",
    [
        {"family": "QUERANDEAU", "given": "HELENE", "birthdate": BORN},
        {"family": "brevilliers", "given": "helene", "birthdate": BORN},
    ],
)
def test_it_finds_the_traits_typed_without_their_accents(
    needs_postgres: None, world: World, helene: Patient, traits: dict[str, str]
) -> None:
    """As the INS's reference traits are written: in capitals, without accents."""
    assert found(search(client_for(world.coordinator), body(**traits))) == [str(helene.pk)]


@pytest.mark.parametrize(
    "wrong",
    [
        {"family": "Quérand"},  # the start of the name: exact traits, no prefix
        {"family": "Quérandeaux"},
        {"family": "Quérandeau Brévilliers"},
        {"given": "Hélèna"},
        {"birthdate": "1947-03-10"},
        {"gender": "male"},
    ],
)
def test_it_finds_nobody_when_one_trait_is_wrong(
    world: World, helene: Patient, wrong: dict[str, str]
) -> None:
    bundle = search(client_for(world.coordinator), body(**{**TRAITS, **wrong}))
    assert found(bundle) == []
    assert reads_of(helene) == 0


def test_it_answers_a_patient_outside_the_scope_as_it_answers_nobody(
    world: World, helene: Patient
) -> None:
    """The GP of another team is told the same as for traits nobody has: no sign that she
    exists in the programme, and no read logged."""
    client = client_for(world.gp)
    outside = search(client, body(**TRAITS))
    nobody = search(client, body(**{**TRAITS, "family": "Zwarteveen"}))
    assert found(outside) == []
    assert json.dumps(outside) == json.dumps(nobody)
    assert reads_of(helene) == 0


def test_it_finds_a_patient_of_the_callers_team(world: World) -> None:
    own = world.own
    traits = {"family": own.last_name, "birthdate": own.birth_date.isoformat()}
    assert found(search(client_for(world.gp), body(**traits))) == [str(own.pk)]


def test_it_logs_one_read_of_the_record_per_patient_found(world: World, helene: Patient) -> None:
    sister = PatientFactory(
        coordinator=world.coordinator,
        last_name="Quérandeau",
        first_name="Odile",
        birth_date=helene.birth_date,
        sex="F",
    )
    bundle = search(client_for(world.coordinator), body(family="Quérandeau", birthdate=BORN))
    assert sorted(found(bundle)) == sorted([str(helene.pk), str(sister.pk)])
    reads = AccessLogEntry.objects.filter(patient__in=[helene, sister])
    assert sorted(reads.values_list("patient", "user", "what", "listed")) == sorted(
        [
            (helene.pk, world.coordinator.pk, "fhir patient", False),
            (sister.pk, world.coordinator.pk, "fhir patient", False),
        ]
    )


@pytest.mark.parametrize(
    "traits",
    [
        {"family": "Quérandeau"},
        {"family": "Quérandeau", "given": "Hélène", "gender": "female"},
        {"given": "Hélène", "birthdate": BORN},
        {"birthdate": BORN, "gender": "female"},
        {"family": "", "birthdate": BORN},
    ],
)
def test_it_refuses_a_name_without_its_birthdate(
    world: World, helene: Patient, traits: dict[str, str]
) -> None:
    """Over a whole programme, a name alone (or a birth date alone) would be a way of
    fishing for patients: refused, saying what to give."""
    response = client_for(world.coordinator).post(SEARCH, body(**traits), content_type=FORM)
    diagnostics = refusal(response, 400)
    assert "needs both family" in diagnostics
    assert "birthdate (YYYY-MM-DD)" in diagnostics
    assert response.json()["issue"][0]["code"] == "invalid"
    assert reads_of(helene) == 0


@pytest.mark.parametrize(
    ("wrong", "says"),
    [
        ({"birthdate": "1947-03"}, "birthdate: give one full date, YYYY-MM-DD"),
        ({"birthdate": "09/03/1947"}, "birthdate: give one full date, YYYY-MM-DD"),
        ({"birthdate": f"ge{BORN}"}, "only equality is searched"),
        ({"birthdate": "1947-02-30"}, "birthdate: give one full date, YYYY-MM-DD"),
        ({"gender": "F"}, "gender: give one of male, female, other, unknown"),
        ({"identifier": "2470359123456"}, "either by identifier (the INS) or by identity traits"),
        ({"family:exact": "Quérandeau"}, "Unknown search parameter: family:exact"),
    ],
)
def test_it_refuses_a_trait_it_cannot_search_and_says_why(
    world: World, helene: Patient, wrong: dict[str, str], says: str
) -> None:
    response = client_for(world.coordinator).post(
        SEARCH, body(**{**TRAITS, **wrong}), content_type=FORM
    )
    assert says in refusal(response, 400)
    assert reads_of(helene) == 0


def test_it_refuses_a_name_given_twice(world: World, helene: Patient) -> None:
    twice = f"{body(**TRAITS)}&family=Brévilliers"
    response = client_for(world.coordinator).post(SEARCH, twice, content_type=FORM)
    assert "Give each search parameter once: family" in refusal(response, 400)


def test_it_refuses_the_traits_in_a_url_without_repeating_them(world: World) -> None:
    response = client_for(world.coordinator).get(f"/fhir/Patient?{body(**TRAITS)}")
    diagnostics = refusal(response, 405)
    assert "POST /fhir/Patient/_search" in diagnostics
    assert "Quérandeau" not in diagnostics


def test_it_needs_authentication(helene: Patient) -> None:
    refusal(Client().post(SEARCH, body(**TRAITS), content_type=FORM), 401)
