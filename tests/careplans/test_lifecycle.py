"""draft → proposed → validated, or changes requested → revised → proposed again."""

import pytest

from careplans.models import CarePlan, PlanStatus
from careplans.services import careplan_add_goal, careplan_start
from labparcours.errors import InvalidTransition, NotAllowed
from tests.conftest import World, client_for
from tests.factories import make_plan
from tests.uploads import signed_sheet


def test_validating_a_draft_is_refused(world: World) -> None:
    plan = make_plan(world)
    with pytest.raises(InvalidTransition, match="Seul un plan proposé au patient peut être validé"):
        plan.validate(by=world.patient_user)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_plan_needs_a_goal_and_an_action_to_be_proposed(world: World) -> None:
    plan = careplan_start(patient=world.own, by=world.coordinator)
    response = client_for(world.coordinator).post(f"/plans/{plan.pk}/proposer/", follow=True)
    assert "au moins un objectif et une action" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_the_patient_validates_online_and_the_plan_is_in_force(world: World, plans) -> None:
    response = client_for(world.patient_user).post(f"/plans/{plans['own'].pk}/valider/")
    assert response.status_code == 302
    plan = plans["own"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.VALIDATED
    assert plan.validated_by == world.patient_user
    assert plan.validation_method == "online"
    assert plan.validated_at is not None


def test_the_delegated_caregiver_validates_for_the_patient(world: World, plans) -> None:
    client_for(world.caregiver_user).post(f"/plans/{plans['own'].pk}/valider/")
    plans["own"].refresh_from_db()
    assert plans["own"].validated_by == world.caregiver_user


def test_a_clinician_cannot_validate_for_the_patient(world: World, plans) -> None:
    assert client_for(world.gp).post(f"/plans/{plans['own'].pk}/valider/").status_code == 403
    api = client_for(world.gp).post(f"/api/v1/careplans/{plans['own'].pk}/validate/")
    assert api.status_code == 403
    with pytest.raises(NotAllowed):
        plans["own"].validate(by=world.gp)
    plans["own"].refresh_from_db()
    assert plans["own"].status == PlanStatus.PROPOSED


def test_a_validated_plan_cannot_be_edited(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    with pytest.raises(InvalidTransition, match="nouvelle version"):
        careplan_add_goal(plan=plan, text="Nouveau")
    response = client_for(world.coordinator).post(
        f"/plans/{plan.pk}/objectifs/", {"text": "Nouveau"}, follow=True
    )
    assert "nouvelle version" in response.content.decode()
    assert plan.goals.count() == 1


def test_changes_requested_then_revised_then_proposed_again(world: World, plans) -> None:
    plan = plans["own"]
    response = client_for(world.patient_user).post(
        f"/plans/{plan.pk}/modifications/", {"comment": "Je préfère la piscine."}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CHANGES_REQUESTED
    assert plan.changes_comment == "Je préfère la piscine."
    coordinator = client_for(world.coordinator)
    page = coordinator.get(f"/plans/{plan.pk}/").content.decode()
    assert "Je préfère la piscine." in page
    coordinator.post(f"/plans/{plan.pk}/objectifs/", {"text": "Nager deux fois par semaine"})
    coordinator.post(f"/plans/{plan.pk}/proposer/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert plan.goals.filter(text="Nager deux fois par semaine").exists()


def test_asking_for_changes_needs_a_comment(world: World, plans) -> None:
    response = client_for(world.patient_user).post(
        f"/plans/{plans['own'].pk}/modifications/", {"comment": ""}, follow=True
    )
    assert "Dites-nous ce que vous souhaitez modifier." in response.content.decode() or (
        "modifier" in response.content.decode()
    )
    plans["own"].refresh_from_db()
    assert plans["own"].status == PlanStatus.PROPOSED


def test_the_coordinator_records_a_validation_by_phone(world: World, plans) -> None:
    response = client_for(world.coordinator).post(
        f"/plans/{plans['own'].pk}/validation/", {"method": "phone", "confirm": "on"}
    )
    assert response.status_code == 302
    plans["own"].refresh_from_db()
    assert (plans["own"].status, plans["own"].validation_method) == ("validated", "phone")
    assert plans["own"].validated_by == world.coordinator


def test_a_paper_validation_needs_the_scanned_sheet(world: World, plans) -> None:
    client = client_for(world.coordinator)
    refused = client.post(
        f"/plans/{plans['own'].pk}/validation/", {"method": "paper", "confirm": "on"}
    )
    assert refused.status_code == 400
    assert "Joignez la feuille scannée signée par le patient." in refused.content.decode()
    client.post(
        f"/plans/{plans['own'].pk}/validation/",
        {"method": "paper", "scan": signed_sheet(), "confirm": "on"},
    )
    plans["own"].refresh_from_db()
    assert plans["own"].validation_method == "paper"
    assert plans["own"].validation_scan.name.endswith(".pdf")


def test_a_clinician_cannot_record_a_validation(world: World, plans) -> None:
    response = client_for(world.gp).post(
        f"/plans/{plans['own'].pk}/validation/", {"method": "phone", "confirm": "on"}
    )
    assert response.status_code == 403


def test_one_plan_in_force_at_a_time(world: World) -> None:
    first = make_plan(world, status=PlanStatus.VALIDATED)
    second = careplan_start(patient=world.own, by=world.coordinator)
    assert second.version == 2
    second.propose()
    second.validate(by=world.patient_user)
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED
    assert list(CarePlan.objects.in_force().filter(patient=world.own)) == [second]


def test_the_api_answers_illegal_moves_with_a_conflict(world: World) -> None:
    plan = make_plan(world)
    response = client_for(world.patient_user).post(f"/api/v1/careplans/{plan.pk}/validate/")
    assert response.status_code == 404  # a draft is not shown to the patient
    plan.propose()
    client = client_for(world.patient_user)
    assert client.post(f"/api/v1/careplans/{plan.pk}/validate/").status_code == 200
    again = client.post(
        f"/api/v1/careplans/{plan.pk}/request-changes/",
        {"comment": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
