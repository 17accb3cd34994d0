import datetime

import pytest
from django.utils import timezone

from labparcours.errors import InvalidTransition
from patients.models import Patient, PatientStatus
from teams.models import CareTeam
from tests.conftest import World, client_for
from tests.factories import PatientFactory

VALID = {
    "last_name": "Durand",
    "first_name": "Odette",
    "birth_date": "1950-06-15",
    "sex": "F",
    "nir": "",
    "pathway": "ic",
    "inclusion_criteria": ["ic_hospitalisation", "medical_complexity"],
    "consents": ["participation", "team_sharing", "sic_attendance"],
    "include_now": "on",
    "city": "Lille",
}


def post(world: World, **changes: object):
    return client_for(world.coordinator).post("/patients/inclure/", {**VALID, **changes})


def test_it_includes_a_patient_with_consents_criteria_and_an_empty_team(world: World) -> None:
    response = post(world)
    patient = Patient.objects.get(last_name="Durand")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.pk}/equipe/"
    assert patient.status == PatientStatus.INCLUDED
    assert patient.inclusion_date == timezone.localdate()
    assert patient.coordinator == world.coordinator
    assert patient.active_consent_kinds() == {"participation", "team_sharing", "sic_attendance"}
    assert CareTeam.objects.filter(patient=patient).exists()


def test_it_refuses_inclusion_without_the_sharing_consent_and_writes_nothing(world: World) -> None:
    before = Patient.objects.count()
    response = post(world, consents=["participation"])
    assert response.status_code == 200
    assert "Consentement manquant : Partage des données au sein de l’équipe de soins" in (
        response.content.decode()
    )
    assert Patient.objects.count() == before


def test_it_refuses_a_wrong_nir_key_and_writes_nothing(world: World) -> None:
    before = Patient.objects.count()
    response = post(world, nir="2 50 06 59 350 017 00", birth_date="1950-06-15")
    assert response.status_code == 200
    assert "La clé du NIR est fausse" in response.content.decode()
    assert Patient.objects.count() == before


def test_it_accepts_a_nir_with_its_right_key(world: World) -> None:
    from patients.validators import nir_key

    number = "2500659350017"
    response = post(world, nir=f"{number}{nir_key(number):02d}")
    assert response.status_code == 302
    assert Patient.objects.get(last_name="Durand").nir == f"{number}{nir_key(number):02d}"


def test_it_refuses_a_birth_date_in_the_future(world: World) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post(world, birth_date=tomorrow.isoformat())
    assert response.status_code == 200
    assert "La date de naissance ne peut pas être dans le futur." in response.content.decode()
    assert not Patient.objects.filter(last_name="Durand").exists()


def test_it_requires_a_criterion_of_each_pathway(world: World) -> None:
    response = post(world, pathway="ic_dt2")
    assert response.status_code == 200
    assert "Au moins un critère de diabète est requis." in response.content.decode()
    assert not Patient.objects.filter(last_name="Durand").exists()


def test_it_records_a_candidate_without_including_them(world: World) -> None:
    response = post(world, consents=["participation"], include_now="")
    assert response.status_code == 302
    assert Patient.objects.get(last_name="Durand").status == PatientStatus.CANDIDATE


def test_the_model_refuses_to_include_twice(world: World) -> None:
    with pytest.raises(InvalidTransition):
        world.own.include()


def test_the_model_refuses_to_include_without_consents(world: World) -> None:
    candidate = PatientFactory(status=PatientStatus.CANDIDATE, inclusion_date=None, consents=[])
    with pytest.raises(InvalidTransition) as error:
        candidate.include()
    assert error.value.code == "inclusion_incomplete"
    candidate.refresh_from_db()
    assert candidate.status == PatientStatus.CANDIDATE


def test_the_api_refuses_a_wrong_nir_with_a_structured_error(world: World) -> None:
    response = client_for(world.coordinator).post(
        "/api/v1/patients/",
        {k: v for k, v in VALID.items() if k not in {"consents", "include_now"}}
        | {"nir": "250065935001700"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nir" in response.json()["errors"]
    assert not Patient.objects.filter(last_name="Durand").exists()


def test_the_api_explains_why_inclusion_is_refused(world: World) -> None:
    candidate = PatientFactory(
        status=PatientStatus.CANDIDATE,
        inclusion_date=None,
        consents=[],
        coordinator=world.coordinator,
    )
    response = client_for(world.coordinator).post(f"/api/v1/patients/{candidate.pk}/include/")
    assert response.status_code == 409
    assert response.json()["code"] == "inclusion_incomplete"


def test_a_patient_exits_and_keeps_their_record(world: World) -> None:
    response = client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/sortie/", {"reason": "moved", "on": "2026-10-01"}
    )
    assert response.status_code == 302
    world.own.refresh_from_db()
    assert (world.own.status, world.own.exit_reason) == ("exited", "moved")


def test_it_refuses_the_nir_of_another_patient_with_a_clear_message(world: World) -> None:
    twin = PatientFactory()
    before = Patient.objects.count()
    response = post(world, nir=twin.nir, birth_date=twin.birth_date.isoformat(), sex=twin.sex)
    assert response.status_code == 200
    assert "Un patient avec ce NIR est déjà enregistré." in response.content.decode()
    assert Patient.objects.count() == before
