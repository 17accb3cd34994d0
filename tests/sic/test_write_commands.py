"""One write per SIC action, shared by the page and the API: a contribution saved or
submitted goes through `contribution_save`, a SIC held with its attendance through
`sic_hold` — and their rules refuse the same things on both doors."""

from __future__ import annotations

import pytest

from labparcours.errors import NotAllowed
from sic.models import Contribution, ContributionStatus, SicStatus
from sic.services import sic_hold
from tests.conftest import World, client_for
from tests.spies import spied

GP_SUMMARY = {
    "history": "Cardiopathie ischémique",
    "current_problems": "Dyspnée",
    "expectations": "Adapter le traitement",
}
CALLERS = ("sic.views", "sic.api")


def test_page_and_api_save_a_contribution_through_one_command(world: World, sics) -> None:
    sic = sics["own"]
    gp = client_for(world.gp)
    with spied("sic.services.contribution_save", *CALLERS) as save:
        page = gp.post(f"/sic/{sic.pk}/contribution/gp_summary/", {**GP_SUMMARY, "draft": "1"})
        assert page.status_code == 302
        assert save.call_count == 1
        created = gp.post(
            f"/api/v1/sics/{sic.pk}/contributions/",
            {"kind": "gp_summary", "content": GP_SUMMARY},
            content_type="application/json",
        )
        assert created.status_code == 201
        assert save.call_count == 2
        updated = gp.patch(
            f"/api/v1/contributions/{created.json()['id']}/",
            {"content": GP_SUMMARY, "submit": True},
            content_type="application/json",
        )
        assert updated.status_code == 200
        assert save.call_count == 3
    assert {c.kwargs["by"] for c in save.call_args_list} == {world.gp}
    assert Contribution.objects.get().status == ContributionStatus.SUBMITTED


def test_page_and_api_refuse_the_same_writer(world: World, sics) -> None:
    """The nurse does not write the GP's summary: 403 on both doors, nothing written."""
    sic = sics["own"]
    nurse = client_for(world.nurse)
    page = nurse.post(f"/sic/{sic.pk}/contribution/gp_summary/", {**GP_SUMMARY, "submit": "1"})
    api = nurse.post(
        f"/api/v1/sics/{sic.pk}/contributions/",
        {"kind": "gp_summary", "content": GP_SUMMARY, "submit": True},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert api.json()["code"] == "not_author"
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("door", ["page", "api"])
def test_the_patient_form_is_refused_to_a_clinician_on_both_doors(
    world: World, sics, door: str
) -> None:
    sic = sics["own"]
    client = client_for(world.gp)
    if door == "page":
        response = client.post(
            f"/sic/{sic.pk}/contribution/patient_experience/", {"priorities": "x"}
        )
    else:
        response = client.post(
            f"/api/v1/sics/{sic.pk}/contributions/",
            {"kind": "patient_experience", "content": {}},
            content_type="application/json",
        )
    assert response.status_code == 403
    assert not Contribution.objects.exists()


def test_page_and_api_hold_a_sic_through_one_command(world: World, started_sics) -> None:
    coordinator = client_for(world.coordinator)
    with spied("sic.services.sic_hold", *CALLERS) as hold:
        page = coordinator.post(f"/sic/{started_sics['own'].pk}/compte-rendu/", {"minutes": "ok"})
        assert page.status_code == 302
        assert hold.call_count == 1
        api = coordinator.post(
            f"/api/v1/sics/{started_sics['other'].pk}/hold/",
            {"minutes": "ok", "patient_present": True},
            content_type="application/json",
        )
        assert api.status_code == 200
        assert hold.call_count == 2
    assert {c.kwargs["by"] for c in hold.call_args_list} == {world.coordinator}
    for sic in started_sics.values():
        sic.refresh_from_db()
        assert sic.status == SicStatus.HELD


def test_page_and_api_refuse_a_hold_by_a_member_who_does_not_lead(
    world: World, started_sics
) -> None:
    sic = started_sics["own"]
    nurse = client_for(world.nurse)
    page = nurse.post(f"/sic/{sic.pk}/compte-rendu/", {"minutes": "ok"})
    api = nurse.post(
        f"/api/v1/sics/{sic.pk}/hold/",
        {"minutes": "ok", "patient_present": True},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (403, 403)
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED


def test_the_command_itself_refuses_who_does_not_lead_the_team(world: World, started_sics) -> None:
    """The rule is in the write, not only in front of it: a task or a new door gets it too."""
    with pytest.raises(NotAllowed):
        sic_hold(
            sic=started_sics["own"],
            by=world.nurse,
            minutes="ok",
            patient_present=True,
            caregiver_present=False,
            present_memberships=[],
            decisions=[],
        )
    started_sics["own"].refresh_from_db()
    assert started_sics["own"].status == SicStatus.SCHEDULED
