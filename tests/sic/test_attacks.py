"""Attacks on the SICs that the permission matrices do not cover: a payload that names more
than the page's form lets through."""

from indemnities.models import IndemnityLine
from sic.models import Contribution, ContributionKind, ContributionStatus
from tests.conftest import World, client_for


def test_it_keeps_a_contributions_kind_when_the_api_names_another(world: World, sics) -> None:
    client = client_for(world.gp)
    client.post(f"/sic/{sics['own'].pk}/contribution/gp_summary/", {"history": "x", "draft": "1"})
    draft = Contribution.objects.get()
    # The patient's form asks nothing: checked against it, an empty summary would be sent
    # to the team (and paid) without any of the summary's required answers.
    response = client.patch(
        f"/api/v1/contributions/{draft.pk}/",
        {"kind": ContributionKind.PATIENT_EXPERIENCE, "content": {}, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "garde le type avec lequel elle a été créée" in str(response.json()["errors"]["kind"])
    draft.refresh_from_db()
    assert draft.kind == ContributionKind.GP_SUMMARY
    assert draft.status == ContributionStatus.DRAFT
    assert draft.content["history"] == "x"
    assert not IndemnityLine.objects.filter(professional=world.gp.professional).exists()
