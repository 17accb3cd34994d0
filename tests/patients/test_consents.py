import pytest
from django.http import HttpResponse

from patients.models import Consent, ConsentKind, Patient
from tests.conftest import World, client_for
from tests.factories import CaregiverFactory


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


def delegation_url(world: World) -> str:
    return f"/api/v1/patients/{world.own.pk}/consents/"


def grant(world: World, caregiver_pk: object) -> HttpResponse:
    client = client_for(world.coordinator)
    client.raise_request_exception = False
    return client.post(
        delegation_url(world),
        {"kind": "caregiver_delegation", "caregiver": caregiver_pk},
        content_type="application/json",
    )


def test_the_api_gives_a_withdrawn_delegation_back(world: World) -> None:
    Consent.objects.get(caregiver=world.caregiver).withdraw()
    response = grant(world, world.caregiver.pk)
    assert response.status_code == 201, response.content
    assert response.json()["caregiver"] == world.caregiver.pk
    assert Consent.objects.filter(caregiver=world.caregiver).count() == 2
    assert client_for(world.caregiver_user).get("/mon-dossier/").status_code == 200


def test_the_api_refuses_a_second_active_delegation_with_a_clear_message(world: World) -> None:
    response = grant(world, world.caregiver.pk)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Le patient a déjà donné sa délégation à cet aidant."]
    }
    assert Consent.objects.filter(caregiver=world.caregiver).count() == 1


def test_the_api_refuses_a_delegation_without_a_caregiver_of_this_patient(world: World) -> None:
    stranger = CaregiverFactory(patient=world.other)
    before = Consent.objects.count()
    for caregiver_pk in (None, stranger.pk, "abc"):
        response = grant(world, caregiver_pk)
        assert response.status_code == 400, caregiver_pk
    assert grant(world, None).json()["errors"] == {
        "non_field_errors": [
            "Une délégation désigne son aidant, et seule une délégation en désigne un."
        ]
    }
    assert Consent.objects.count() == before


def test_a_delegation_recorded_twice_at_once_answers_400_not_500(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests may both pass the check before either writes: the database decides."""
    Consent.objects.get(caregiver=world.caregiver).withdraw()
    Consent.objects.create(
        patient=world.own,
        kind=ConsentKind.CAREGIVER_DELEGATION,
        caregiver=world.caregiver,
        recorded_by=world.coordinator,
    )
    monkeypatch.setattr(Consent, "validate_constraints", lambda self, exclude=None: None)
    response = grant(world, world.caregiver.pk)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Ce consentement est déjà enregistré."]
    }
    assert Consent.objects.filter(caregiver=world.caregiver, withdrawn_at=None).count() == 1


def test_the_api_still_refuses_a_patient_consent_given_twice(world: World) -> None:
    client = client_for(world.coordinator)
    response = client.post(
        delegation_url(world), {"kind": "participation"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Ce consentement est déjà enregistré."]
    }


def test_the_api_refuses_a_date_in_another_century(world: World) -> None:
    """A typing slip (year 250) is refused with a clear message; it would otherwise come back
    with Paris's local mean time of the 1850s as its offset, which no client parses."""
    Consent.objects.get(caregiver=world.caregiver).withdraw()
    client = client_for(world.coordinator)
    before = Consent.objects.count()
    payload = {"kind": "caregiver_delegation", "caregiver": world.caregiver.pk}
    for given_at in ("0250-01-01T00:00:00+01:00", "2150-06-01T09:00:00Z"):
        response = client.post(
            delegation_url(world),
            {**payload, "given_at": given_at},
            content_type="application/json",
        )
        assert response.status_code == 400, given_at
        assert response.json()["errors"] == {"given_at": ["Saisissez une date entre 1900 et 2100."]}
    assert Consent.objects.count() == before
    response = client.post(
        delegation_url(world),
        {**payload, "given_at": "2026-11-30T10:00:00+01:00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["given_at"].endswith("+01:00")
