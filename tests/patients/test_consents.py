from patients.models import Consent, ConsentKind, Patient
from tests.conftest import World, client_for


def test_withdrawing_the_sharing_consent_hides_the_record_from_the_team(world: World) -> None:
    sharing = world.own.consents.get(kind=ConsentKind.TEAM_SHARING)
    response = client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/consentements/{sharing.pk}/retrait/"
    )
    assert response.status_code == 302
    assert client_for(world.gp).get(f"/patients/{world.own.pk}/").status_code == 404
    assert world.own not in Patient.objects.visible_to(world.gp)
    assert client_for(world.coordinator).get(f"/patients/{world.own.pk}/").status_code == 200
    # Nothing is deleted: the consent stays, withdrawn.
    sharing.refresh_from_db()
    assert sharing.withdrawn_at is not None


def test_giving_the_consent_again_restores_access(world: World) -> None:
    world.own.consents.get(kind=ConsentKind.TEAM_SHARING).withdraw()
    client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/consentements/", {"kind": "team_sharing"}
    )
    assert client_for(world.gp).get(f"/patients/{world.own.pk}/").status_code == 200
    assert world.own.consents.filter(kind=ConsentKind.TEAM_SHARING).count() == 2


def test_a_consent_cannot_be_recorded_twice(world: World) -> None:
    response = client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/consentements/", {"kind": "participation"}, follow=True
    )
    assert "Ce consentement est déjà enregistré." in response.content.decode()
    assert world.own.consents.filter(kind="participation").count() == 1


def test_withdrawing_the_delegation_removes_the_caregivers_access(world: World) -> None:
    Consent.objects.get(caregiver=world.caregiver).withdraw()
    assert client_for(world.caregiver_user).get("/mon-dossier/").status_code == 404
