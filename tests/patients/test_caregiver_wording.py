"""A caregiver reads the patient's pages for the patient: they name the patient (« le plan de
Marcel », « Valider pour Marcel ») where they say « vous » to the patient."""

from __future__ import annotations

import pytest
from django.test import Client

from careplans.models import Action, Owner, PlanStatus
from tests.conftest import World, client_for
from tests.factories import make_plan

# What a page says to the patient in the first person, and must never say to their caregiver.
PATIENT_VOICE = ("Ma fiche", "ma fiche", "Je valide mon plan", "Votre aidant", "Mon plan de soins")


@pytest.fixture
def proposed(world: World):
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    Action.objects.create(plan=plan, what="Noter le poids", owner=Owner.CAREGIVER)
    return plan


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_not_in_patient_voice(text: str) -> None:
    for words in PATIENT_VOICE:
        assert words not in text, words


def assert_says(text: str, *phrases: str) -> None:
    for phrase in phrases:
        assert phrase in text, phrase


def test_the_record_names_the_patient_and_the_caregiver_herself(world: World, sics) -> None:
    text = page(client_for(world.caregiver_user), "/mon-dossier/")
    assert_says(
        text,
        "Dossier de Marcel",
        "L’équipe de soins de Marcel",
        "La prochaine synthèse concertée (SIC) de Marcel",
        "Remplir la fiche d’expérience de Marcel",
        "Ce que Marcel a accepté",
        "Délégation à un aidant — vous",
        "Voir qui a consulté le dossier de Marcel",
    )
    assert_not_in_patient_voice(text)


def test_the_plan_is_marcels_and_she_validates_it_for_him(world: World, proposed) -> None:
    text = page(client_for(world.caregiver_user), "/mon-plan/")
    assert_says(
        text,
        "Le plan de soins de Marcel",
        "L’équipe propose ce plan à Marcel.",
        "Valider pour Marcel",
        "Demander des modifications pour Marcel",
        "Imprimer le plan de Marcel (PDF)",
        # Who does what: the patient's actions under his name, hers as hers.
        "<h3>Marcel</h3>",
        "<h3>Vous (aidant·e)</h3>",
    )
    assert_not_in_patient_voice(text)


def test_her_validation_is_thanked_for_marcel(world: World, proposed) -> None:
    client = client_for(world.caregiver_user)
    response = client.post(f"/plans/{proposed.pk}/valider/", follow=True)
    assert "Merci : le plan de Marcel est validé et en vigueur." in response.content.decode()


def test_the_patient_is_still_spoken_to(world: World, proposed, sics) -> None:
    client = client_for(world.patient_user)
    plan = page(client, "/mon-plan/")
    assert "Je valide mon plan" in plan
    assert "<h3>Vous</h3>" in plan
    assert "<h3>Votre aidant</h3>" in plan
    record = page(client, "/mon-dossier/")
    assert "Bonjour Marcel" in record
    assert "Votre équipe de soins" in record


def test_supplementary_care_and_the_experience_form_name_the_patient(world: World, sics) -> None:
    client = client_for(world.caregiver_user)
    care = page(client, "/mes-soins/")
    assert "Les soins de support de Marcel" in care
    form = page(client, f"/sic/{sics['own'].pk}/contribution/patient_experience/")
    assert "La fiche d’expérience de Marcel" in form
    assert "Envoyer à l’équipe de Marcel" in form
    assert_not_in_patient_voice(care + form)
