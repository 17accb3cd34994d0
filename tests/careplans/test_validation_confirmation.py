"""A validation puts the plan in force and cannot be taken back: the patient confirms it on a
page of its own; the coordinator who records it ticks that the patient did validate."""

from careplans.models import PlanStatus
from tests.conftest import World, client_for
from tests.factories import make_plan


def test_i_validate_my_plan_opens_a_confirmation_first(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    client = client_for(world.patient_user)
    my_plan = client.get("/mon-plan/").content.decode()
    assert f'href="/plans/{plan.pk}/valider/"' in my_plan
    assert f'<form method="post" action="/plans/{plan.pk}/valider/"' not in my_plan
    page = client.get(f"/plans/{plan.pk}/valider/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vous allez valider la version 1 de votre plan de soins." in text
    assert "Une validation ne peut pas être reprise" in text
    assert "« Aller au marché le dimanche »" in text
    assert "Oui, je valide mon plan" in text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED  # reading the page validates nothing


def test_yes_validates_the_plan(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    response = client_for(world.caregiver_user).post(f"/plans/{plan.pk}/valider/", follow=True)
    assert "Merci : le plan de Marcel est validé et en vigueur." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.VALIDATED


def test_a_plan_not_waiting_sends_back_to_my_plan(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    response = client_for(world.patient_user).get(f"/plans/{plan.pk}/valider/", follow=True)
    assert response.redirect_chain[-1][0] == "/mon-plan/"
    assert "Ce plan n’attend pas votre validation." in response.content.decode()


def test_the_coordinator_confirms_the_patients_validation(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    client = client_for(world.coordinator)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Le patient a validé cette version du plan" in page
    refused = client.post(f"/plans/{plan.pk}/validation/", {"method": "phone"})
    assert refused.status_code == 400
    assert "Cochez la case pour confirmer la validation du patient." in refused.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    client.post(f"/plans/{plan.pk}/validation/", {"method": "phone", "confirm": "on"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.VALIDATED
