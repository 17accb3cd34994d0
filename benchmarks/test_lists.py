"""Timings of the pages people open most, on a programme of 200 patients (`make bench`).

No assertion on time here: compare runs with pytest-benchmark's own reports.
"""

import pytest

from careplans.models import PlanStatus
from sic.services import sic_ensure_planned
from tests.careplans.conftest import make_plan
from tests.conftest import World, client_for
from tests.factories import PatientFactory, full_team

PATIENTS = 200


@pytest.fixture
def programme(world: World) -> World:
    gp = world.gp.professional
    for _ in range(PATIENTS):
        patient = PatientFactory(coordinator=world.coordinator)
        full_team(patient, gp=gp)
        sic_ensure_planned(patient=patient)
        make_plan(world, patient, status=PlanStatus.PROPOSED)
    return world


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("coordinator", "/coordination/"),
        ("coordinator", "/sic/?vue=overdue"),
        ("gp", "/mes-patients/"),
        ("coordinator", "/api/v1/patients/"),
        ("coordinator", "/api/v1/sics/"),
        ("coordinator", "/api/v1/careplans/"),
    ],
)
def test_list(benchmark, programme: World, role: str, url: str) -> None:
    client = client_for(programme.user(role))
    response = benchmark(client.get, url)
    assert response.status_code == 200


def test_patient_page(benchmark, programme: World) -> None:
    client = client_for(programme.gp)
    response = benchmark(client.get, f"/patients/{programme.own.pk}/")
    assert response.status_code == 200
