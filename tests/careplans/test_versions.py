from careplans.models import Action, ActionStatus, CarePlan, Owner, PlanStatus
from careplans.selectors import careplan_changes
from careplans.services import DecisionAction, careplan_from_sic, careplan_start
from sic.services import sic_hold
from tests.conftest import World, client_for
from tests.factories import make_plan


def test_a_new_version_starts_from_the_plan_in_force(world: World) -> None:
    v1 = make_plan(world, status=PlanStatus.VALIDATED)
    v1.actions.filter(owner=Owner.PATIENT).update(status=ActionStatus.DONE)
    v2 = careplan_start(patient=world.own, by=world.coordinator)
    assert v2.version == 2
    assert [g.text for g in v2.goals.all()] == ["Aller au marché le dimanche"]
    # Done actions stay in the old version.
    assert [a.what for a in v2.actions.all()] == ["Pesée trois fois par semaine"]
    v1.refresh_from_db()
    assert v1.status == PlanStatus.VALIDATED  # in force until v2 is validated


def test_the_page_shows_what_changed_since_the_previous_version(world: World) -> None:
    make_plan(world, status=PlanStatus.VALIDATED)
    v2 = careplan_start(patient=world.own, by=world.coordinator)
    v2.goals.create(text="Nager deux fois par semaine")
    v2.actions.filter(owner=Owner.PATIENT).delete()
    v2.actions.filter(what__startswith="Pesée").update(when="tous les jours")
    Action.objects.create(
        plan=v2, what="Consultation diététique", owner=Owner.PROVIDER, provider="Antoine Fontaine"
    )
    changes = careplan_changes(v2)
    assert changes.goals_added == ["Nager deux fois par semaine"]
    assert changes.actions_added == ["Consultation diététique"]
    assert changes.actions_removed == ["Marcher 20 minutes"]
    assert changes.actions_changed == ["Pesée trois fois par semaine"]
    page = client_for(world.coordinator).get(f"/plans/{v2.pk}/").content.decode()
    assert "Changements depuis la v1" in page
    assert "Nouvel objectif :" in page
    assert "Retiré du plan :" in page


def test_superseded_versions_stay_readable(world: World) -> None:
    v1 = make_plan(world, status=PlanStatus.VALIDATED)
    v2 = careplan_start(patient=world.own, by=world.coordinator)
    v2.propose()
    v2.validate(by=world.patient_user)
    page = client_for(world.gp).get(f"/plans/{v1.pk}/")
    assert page.status_code == 200
    assert "Cette version a été remplacée" in page.content.decode()
    history = client_for(world.gp).get(f"/patients/{world.own.pk}/plans/").content.decode()
    assert "Version 1" in history
    assert "Version 2" in history


def test_decisions_become_actions_in_one_step(world: World, started_sics) -> None:
    sic = sic_hold(
        sic=started_sics["own"],
        by=world.coordinator,
        minutes="m",
        patient_present=True,
        caregiver_present=False,
        present_memberships=[],
        decisions=["Pesée trois fois par semaine", "Séances d’APA"],
    )
    nurse = world.own.care_team.memberships.get(role="nurse", left_at__isnull=True)
    decisions = list(sic.decisions.all())
    response = client_for(world.gp).post(
        f"/sic/{sic.pk}/plan/",
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-decision": decisions[0].pk,
            "form-0-include": "on",
            "form-0-what": decisions[0].text,
            "form-0-who": f"member:{nurse.pk}",
            "form-0-when": "lundi, mercredi, vendredi",
            "form-1-decision": decisions[1].pk,
            "form-1-include": "on",
            "form-1-what": decisions[1].text,
            "form-1-who": "provider",
            "form-1-provider": "Association Sport Santé",
        },
    )
    plan = CarePlan.objects.get(patient=world.own)
    assert response.status_code == 302
    assert plan.sic == sic
    rows = list(plan.actions.values_list("what", "owner", "membership", "provider", "decision"))
    assert rows == [
        ("Pesée trois fois par semaine", "member", nurse.pk, "", decisions[0].pk),
        ("Séances d’APA", "provider", None, "Association Sport Santé", decisions[1].pk),
    ]


def test_a_provider_action_needs_the_providers_name(world: World, started_sics) -> None:
    sic = sic_hold(
        sic=started_sics["own"],
        by=world.coordinator,
        minutes="m",
        patient_present=True,
        caregiver_present=False,
        present_memberships=[],
        decisions=["Séances d’APA"],
    )
    decision = sic.decisions.get()
    response = client_for(world.coordinator).post(
        f"/sic/{sic.pk}/plan/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-decision": decision.pk,
            "form-0-include": "on",
            "form-0-what": "APA",
            "form-0-who": "provider",
        },
    )
    assert response.status_code == 200
    assert "Choisissez l’intervenant dans l’annuaire" in response.content.decode()
    assert not CarePlan.objects.filter(patient=world.own).exists()


def test_decisions_of_a_sic_not_held_are_refused(world: World, sics) -> None:
    import pytest

    from labparcours.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        careplan_from_sic(
            sic=sics["own"],
            by=world.coordinator,
            rows=[DecisionAction(decision=None, what="x", owner="patient")],
        )
