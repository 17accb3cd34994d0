"""The dashboard's programme figures are cached (counting the whole cohort on every view grows
with it), yet a coordinator who includes a patient, completes a team or sees a patient leave
finds the figures moved on the next page they open — not two minutes later; so does the SIC
calendar's."""

from __future__ import annotations

from typing import Any

from patients.models import ExitReason
from programme.workflows import patient_leave
from tests.conftest import World, client_for
from tests.factories import PatientFactory, full_team


def figures(world: World) -> dict[str, Any]:
    response = client_for(world.coordinator).get("/coordination/")
    assert response.status_code == 200
    return response.context["stats"]


def test_a_patient_recorded_counts_at_once(world: World, committed) -> None:
    before = figures(world)
    assert figures(world) == before  # cached: the second view reads the same figures

    committed(lambda: PatientFactory(coordinator=world.coordinator))

    after = figures(world)
    assert after["included"] == before["included"] + 1
    assert after["incomplete"] == before["incomplete"] + 1  # a patient without a team yet


def test_a_team_completed_and_a_patient_who_leaves_count_at_once(world: World, committed) -> None:
    patient = committed(lambda: PatientFactory(coordinator=world.coordinator))
    before = figures(world)

    committed(lambda: full_team(patient))
    completed = figures(world)
    assert completed["incomplete"] == before["incomplete"] - 1
    assert completed["included"] == before["included"]

    committed(
        lambda: patient_leave(patient=patient, reason=ExitReason.WITHDRAWAL, by=world.coordinator)
    )
    assert figures(world)["included"] == before["included"] - 1


def test_the_sic_calendars_figures_move_at_once(world: World, committed) -> None:
    from sic.services import sic_ensure_planned

    def overdue() -> int:
        response = client_for(world.coordinator).get("/sic/")
        assert response.status_code == 200
        return response.context["counts"]["overdue"]

    before = overdue()
    # Included sixty days ago: the first SIC was due six weeks after the inclusion.
    patient = committed(lambda: PatientFactory(coordinator=world.coordinator))
    committed(lambda: sic_ensure_planned(patient=patient))

    assert overdue() == before + 1
