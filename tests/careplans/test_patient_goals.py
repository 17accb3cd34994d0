"""The patient's own goals, from their experience form, are offered as goals of the plan in
the making: « Objectifs exprimés par le patient », each with « Ajouter comme objectif »."""

from careplans.models import PlanStatus
from careplans.services import careplan_start
from sic.models import ContributionKind
from sic.selectors import contribution_for
from sic.services import contribution_save, sic_ensure_planned, sic_schedule
from tests.conftest import World, client_for, soon
from tests.factories import make_plan

FORM = {
    "living_with_illness": "Je m’essouffle dans l’escalier.",
    "what_matters_most": "Pouvoir aller au marché le dimanche avec ma femme.",
    "difficulties": "Je ne sais pas qui appeler.",
    "goals": "- Marcher 20 minutes par jour\n• Refaire mon potager au printemps\n\n",
}


def patient_form(world: World, *, submit: bool = True, content: dict = FORM) -> None:
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon())
    form = contribution_for(
        sic=sic, kind=ContributionKind.PATIENT_EXPERIENCE, user=world.patient_user
    )
    contribution_save(contribution=form, by=world.patient_user, content=content, submit=submit)


def test_the_draft_offers_the_patients_own_goals(world: World) -> None:
    patient_form(world)
    plan = make_plan(world)
    page = client_for(world.coordinator).get(f"/plans/{plan.pk}/").content.decode()
    assert "Objectifs exprimés par le patient" in page
    for text in (
        "Marcher 20 minutes par jour",
        "Refaire mon potager au printemps",
        "Pouvoir aller au marché le dimanche avec ma femme.",
    ):
        assert f'<input type="hidden" name="text" value="{text}">' in page
    assert "Ajouter comme objectif" in page


def test_adding_one_makes_it_a_goal_and_it_is_no_longer_offered(world: World) -> None:
    patient_form(world)
    plan = careplan_start(patient=world.own, by=world.coordinator)
    client = client_for(world.gp)
    response = client.post(
        f"/plans/{plan.pk}/objectifs/", {"text": "Refaire mon potager au printemps"}
    )
    assert response.status_code == 302
    assert [g.text for g in plan.goals.all()] == ["Refaire mon potager au printemps"]
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert 'value="Refaire mon potager au printemps"' not in page
    assert 'value="Marcher 20 minutes par jour"' in page


def test_a_draft_of_the_form_is_not_offered(world: World) -> None:
    patient_form(world, submit=False)
    plan = make_plan(world)
    page = client_for(world.coordinator).get(f"/plans/{plan.pk}/").content.decode()
    assert "Objectifs exprimés par le patient" not in page


def test_nothing_is_offered_once_the_plan_is_proposed(world: World) -> None:
    patient_form(world)
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    page = client_for(world.coordinator).get(f"/plans/{plan.pk}/").content.decode()
    assert "Objectifs exprimés par le patient" not in page


def test_goals_are_words_not_ticked_tasks(world: World) -> None:
    plan = make_plan(world)
    page = client_for(world.coordinator).get(f"/plans/{plan.pk}/").content.decode()
    goals = page[page.index('class="plan-goal-list"') :]
    goals = goals[: goals.index("</ul>")]
    assert "is-done" not in goals
    assert "checklist" not in goals
