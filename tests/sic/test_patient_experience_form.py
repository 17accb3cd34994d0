"""The patient's experience form: no question is mandatory, an empty form may be sent, and
nothing on it speaks the professionals' jargon."""

from __future__ import annotations

from sic.models import Contribution, ContributionStatus
from tests.conftest import World, client_for


def url(sics) -> str:
    return f"/sic/{sics['own'].pk}/contribution/patient_experience/"


def test_it_accepts_an_empty_form_and_says_so(world: World, sics) -> None:
    response = client_for(world.patient_user).post(url(sics), {"submit": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == "/mon-dossier/"
    assert "Envoyée sans réponse : c’est possible" in response.content.decode()
    form = Contribution.objects.get(kind="patient_experience")
    assert form.status == ContributionStatus.SUBMITTED
    assert form.content == {}


def test_it_accepts_one_answer_and_thanks_the_patient(world: World, sics) -> None:
    response = client_for(world.patient_user).post(
        url(sics), {"what_matters_most": "Aller au marché", "submit": "1"}, follow=True
    )
    assert "Merci : votre équipe la lira avant la réunion." in response.content.decode()
    form = Contribution.objects.get(kind="patient_experience")
    assert form.content == {"what_matters_most": "Aller au marché"}


def test_the_form_says_every_question_is_optional_and_never_says_contribution(
    world: World, sics
) -> None:
    response = client_for(world.patient_user).get(url(sics))
    text = response.content.decode()
    assert "Aucune question n’est obligatoire" in text
    assert "Il n’y a pas de mauvaise réponse" in text
    assert " required" not in text
    assert "contribution" not in text.lower().replace("/contribution/", "")
    saved = client_for(world.patient_user).post(url(sics), {"draft": "1"}, follow=True)
    assert "contribution" not in saved.content.decode().lower().replace("/contribution/", "")
    assert "Enregistré : vous pourrez la terminer plus tard." in saved.content.decode()


def test_the_caregiver_sends_it_for_the_patient(world: World, sics) -> None:
    response = client_for(world.caregiver_user).post(url(sics), {"submit": "1"}, follow=True)
    assert "Marcel pourra aussi s’exprimer pendant la réunion" in response.content.decode()
