"""One write per plan validation, shared by the page and the API: online by the patient's
side, by phone or on paper (with the scanned sheet) by the coordinator, always through
`careplan_validation_record`; the two rows it writes are written together or not at all."""

from __future__ import annotations

from unittest import mock

import pytest

from careplans.models import CarePlan, PlanStatus
from tests.conftest import World, client_for
from tests.factories import make_plan
from tests.spies import spied
from tests.uploads import signed_sheet

CALLERS = ("careplans.views", "careplans.api")
NO_SHEET = "Joignez la feuille scannée signée par le patient."


def test_page_and_api_record_every_validation_through_one_command(world: World, plans) -> None:
    with spied("careplans.services.careplan_validation_record", *CALLERS) as record:
        online = client_for(world.patient_user).post(f"/plans/{plans['own'].pk}/valider/")
        assert online.status_code == 302
        by_phone = client_for(world.coordinator).post(
            f"/api/v1/careplans/{plans['other'].pk}/validate/", {"method": "phone"}
        )
        assert by_phone.status_code == 200
        revised = make_plan(world, status=PlanStatus.PROPOSED)
        on_paper = client_for(world.coordinator).post(
            f"/plans/{revised.pk}/validation/",
            {"method": "paper", "scan": signed_sheet(), "confirm": "on"},
        )
        assert on_paper.status_code == 302
    assert [c.kwargs["method"] for c in record.call_args_list] == ["online", "phone", "paper"]
    statuses = dict(CarePlan.objects.values_list("pk", "status"))
    assert statuses == {
        plans["own"].pk: PlanStatus.SUPERSEDED,
        plans["other"].pk: PlanStatus.VALIDATED,
        revised.pk: PlanStatus.VALIDATED,
    }


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_paper_validation_without_its_sheet_is_refused_the_same_way(
    world: World, plans, door: str
) -> None:
    client = client_for(world.coordinator)
    plan = plans["own"]
    if door == "page":
        response = client.post(
            f"/plans/{plan.pk}/validation/", {"method": "paper", "confirm": "on"}
        )
        assert response.status_code == 400
        assert NO_SHEET in response.content.decode()
    else:
        response = client.post(f"/api/v1/careplans/{plan.pk}/validate/", {"method": "paper"})
        assert response.status_code == 400
        assert response.json()["errors"] == {"scan": [NO_SHEET]}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED


@pytest.mark.parametrize("door", ["page", "api"])
def test_only_the_coordinator_records_a_validation_by_phone(world: World, plans, door: str) -> None:
    client = client_for(world.gp)
    plan = plans["own"]
    url = {"page": f"/plans/{plan.pk}/validation/", "api": f"/api/v1/careplans/{plan.pk}/validate/"}
    response = client.post(url[door], {"method": "phone", "confirm": "on"})
    assert response.status_code == 403
    if door == "api":
        assert response.json()["code"] == "not_the_coordinator"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED


def test_a_validation_that_fails_halfway_leaves_the_plan_in_force(world: World, plans) -> None:
    """Superseding the plan in force and validating the new one are one transaction."""
    in_force = plans["own"]
    client_for(world.patient_user).post(f"/plans/{in_force.pk}/valider/")
    revised = make_plan(world, status=PlanStatus.PROPOSED)
    with (
        mock.patch.object(CarePlan, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        revised.validate(by=world.patient_user)
    in_force.refresh_from_db()
    assert in_force.status == PlanStatus.VALIDATED
    revised.refresh_from_db()
    assert revised.status == PlanStatus.PROPOSED
