"""The coordinator corrects a patient through the API (PATCH and PUT), as on the page."""

from patients.models import Patient
from tests.conftest import World, client_for
from tests.factories import PatientFactory


def url(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/"


def test_it_patches_a_patient_and_writes_the_history(world: World) -> None:
    before = world.own.history.count()
    response = client_for(world.coordinator).patch(
        url(world.own),
        {"city": "Roubaix", "phone": "03 20 00 00 00"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    world.own.refresh_from_db()
    assert (world.own.city, world.own.phone) == ("Roubaix", "03 20 00 00 00")
    assert world.own.history.count() == before + 1
    assert world.own.history.first().history_user == world.coordinator


def test_it_puts_a_whole_patient_with_the_same_nir(world: World) -> None:
    client = client_for(world.coordinator)
    body = client.get(url(world.own)).json()
    writable = {k: v for k, v in body.items() if k not in {"id", "status", "coordinator"}}
    response = client.put(
        url(world.own), writable | {"first_name": "Marcelle"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    world.own.refresh_from_db()
    assert world.own.first_name == "Marcelle"
    assert world.own.nir == body["nir"]
    assert world.own.coordinator == world.coordinator


def test_it_refuses_the_nir_of_another_patient_and_writes_nothing(world: World) -> None:
    twin = PatientFactory(birth_date=world.own.birth_date, sex=world.own.sex)
    before = world.own.history.count()
    response = client_for(world.coordinator).patch(
        url(world.own), {"nir": twin.nir, "city": "Roubaix"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["nir"]
    world.own.refresh_from_db()
    assert world.own.city != "Roubaix"
    assert world.own.history.count() == before


def test_a_clinician_still_cannot_patch_a_patient(world: World) -> None:
    response = client_for(world.gp).patch(
        url(world.own), {"city": "Roubaix"}, content_type="application/json"
    )
    assert response.status_code == 403
