"""Goals and actions of a plan in the making are rewritten in place: « Modifier » swaps the
row for a small form, « Enregistrer » swaps the plan back (htmx), or a page of its own without
JavaScript."""

import pytest

from careplans.models import Action, ActionStatus, Goal, Owner, PlanStatus
from tests.conftest import World, client_for
from tests.factories import make_plan

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(world: World):
    return make_plan(world)


def walk(draft) -> Action:
    return draft.actions.get(owner=Owner.PATIENT)


def nurse_id(world: World) -> str:
    membership = world.own.care_team.memberships.get(professional__user=world.nurse)
    return f"member:{membership.pk}"


def test_edit_swaps_the_row_for_a_form_holding_the_action(world: World, draft) -> None:
    action = walk(draft)
    response = client_for(world.coordinator).get(
        f"/plans/{draft.pk}/actions/{action.pk}/modifier/", **HTMX
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<li class="plan-item-edit" id="action-{action.pk}"')
    assert 'value="Marcher 20 minutes"' in row
    assert 'hx-post="/plans/' in row
    assert "<html" not in row  # a fragment, not a page


def test_save_rewrites_the_action_and_swaps_the_plan_back(world: World, draft) -> None:
    action = walk(draft)
    response = client_for(world.coordinator).post(
        f"/plans/{draft.pk}/actions/{action.pk}/modifier/",
        {"what": "Marcher 30 minutes", "who": "patient", "due_date": "2031-05-12"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-card"
    page = response.content.decode()
    assert page.lstrip().startswith('<section class="card" id="plan-card">')
    assert "Marcher 30 minutes" in page
    assert "Échéance : 12 mai 2031" in page
    assert 'id="plan-changes" hx-swap-oob="true"' in page
    action.refresh_from_db()
    assert (action.what, action.status, action.position) == (
        "Marcher 30 minutes",
        ActionStatus.TODO,
        walk(draft).position,
    )
    assert draft.actions.count() == 2  # rewritten, not removed and added


def test_who_carries_an_action_changes_in_place(world: World, draft) -> None:
    action = walk(draft)
    client_for(world.gp).post(
        f"/plans/{draft.pk}/actions/{action.pk}/modifier/",
        {"what": "Marcher 20 minutes avec l’infirmière", "who": nurse_id(world)},
        **HTMX,
    )
    action.refresh_from_db()
    assert action.owner == Owner.MEMBER
    assert action.membership.professional.user == world.nurse


def test_without_javascript_the_form_is_a_page_and_save_returns_to_the_plan(
    world: World, draft
) -> None:
    goal = draft.goals.get()
    client = client_for(world.coordinator)
    page = client.get(f"/plans/{draft.pk}/objectifs/{goal.pk}/modifier/")
    assert page.status_code == 200
    assert "Modifier l’objectif" in page.content.decode()
    assert "<html" in page.content.decode()
    response = client.post(
        f"/plans/{draft.pk}/objectifs/{goal.pk}/modifier/", {"text": "Aller au marché le samedi"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{draft.pk}/#goal-{goal.pk}"
    goal.refresh_from_db()
    assert goal.text == "Aller au marché le samedi"
    assert "L’objectif est enregistré." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("htmx", [True, False])
def test_bad_input_says_why_in_french_and_keeps_what_was_typed(
    world: World, draft, htmx: bool
) -> None:
    action = walk(draft)
    response = client_for(world.coordinator).post(
        f"/plans/{draft.pk}/actions/{action.pk}/modifier/",
        {"what": "Nager le mardi", "who": "patient", "repeat_every": "2"},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == (200 if htmx else 400)
    form = response.content.decode()
    assert "Dites à quel rythme : un nombre, et jours, semaines ou mois." in form
    assert 'value="Nager le mardi"' in form
    assert 'value="2"' in form
    action.refresh_from_db()
    assert action.what == "Marcher 20 minutes"


@pytest.mark.parametrize("htmx", [True, False])
def test_an_empty_goal_is_refused_and_the_goal_stays(world: World, draft, htmx: bool) -> None:
    goal = draft.goals.get()
    response = client_for(world.coordinator).post(
        f"/plans/{draft.pk}/objectifs/{goal.pk}/modifier/",
        {"text": "  "},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == (200 if htmx else 400)
    assert "Ce champ est obligatoire." in response.content.decode()
    goal.refresh_from_db()
    assert goal.text == "Aller au marché le dimanche"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_plan_proposed_to_the_patient_is_no_longer_edited(world: World, htmx: bool) -> None:
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    goal = plan.goals.get()
    client = client_for(world.coordinator)
    response = client.post(
        f"/plans/{plan.pk}/objectifs/{goal.pk}/modifier/",
        {"text": "Autre chose"},
        **(HTMX if htmx else {}),
    )
    if htmx:
        assert response["HX-Redirect"] == f"/plans/{plan.pk}/"
    else:
        assert response["Location"] == f"/plans/{plan.pk}/"
    goal.refresh_from_db()
    assert goal.text == "Aller au marché le dimanche"
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Ce plan ne peut plus être modifié" in page
    assert "/modifier/" not in page  # no « Modifier » on a plan proposed


def test_a_revised_plan_is_edited_again(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    plan.request_changes(by=world.patient_user, comment="Plutôt le samedi")
    goal = plan.goals.get()
    response = client_for(world.coordinator).post(
        f"/plans/{plan.pk}/objectifs/{goal.pk}/modifier/", {"text": "Aller au marché le samedi"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Aller au marché le samedi"


def test_a_row_of_another_plan_is_not_found(world: World, draft) -> None:
    other = make_plan(world, world.other)
    foreign = other.goals.get()
    response = client_for(world.coordinator).post(
        f"/plans/{draft.pk}/objectifs/{foreign.pk}/modifier/", {"text": "Détourné"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.text == "Aller au marché le dimanche"


def test_the_plan_page_offers_edit_on_each_row_of_a_draft(world: World, draft) -> None:
    page = client_for(world.coordinator).get(f"/plans/{draft.pk}/").content.decode()
    for goal in Goal.objects.filter(plan=draft):
        assert f'hx-get="/plans/{draft.pk}/objectifs/{goal.pk}/modifier/"' in page
    for action in draft.actions.all():
        assert f'hx-get="/plans/{draft.pk}/actions/{action.pk}/modifier/"' in page
    assert "/modifier/" not in client_for(world.nurse).get(f"/plans/{draft.pk}/").content.decode()


def test_the_plan_page_runs_a_constant_number_of_queries(
    world: World, draft, django_assert_max_num_queries
) -> None:
    client = client_for(world.coordinator)
    client.get(f"/plans/{draft.pk}/")
    with django_assert_max_num_queries(60) as few:
        assert client.get(f"/plans/{draft.pk}/").status_code == 200
    for n in range(15):
        Action.objects.create(
            plan=draft,
            what=f"Pesée {n}",
            owner=Owner.PROVIDER,
            provider=f"Intervenant {n}",
            due_date=draft.created_at.date(),
            repeat_every=1,
            repeat_unit="week",
        )
        draft.goals.create(text=f"Objectif {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/plans/{draft.pk}/").status_code == 200
