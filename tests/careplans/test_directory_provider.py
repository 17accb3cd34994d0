"""A complementary provider (dietitian, APA…) is chosen from the budget's directory, and the
action and its supplementary-care request point at each other: the action shows the
request's state, the request its action."""

from decimal import Decimal

from budget.services import supplementary_care_approve, supplementary_care_request
from careplans.models import Action, Owner
from tests.conftest import World, client_for
from tests.factories import care_provider, category, envelope_of, make_plan


def add_action(world: World, plan, **data) -> object:
    return client_for(world.coordinator).post(
        f"/plans/{plan.pk}/actions/", {"what": "Consultation diététique", **data}
    )


def test_the_provider_is_chosen_from_the_directory(world: World) -> None:
    plan = make_plan(world)
    dietitian = care_provider()
    page = client_for(world.coordinator).get(f"/plans/{plan.pk}/").content.decode()
    assert "Intervenant de l’annuaire" in page
    assert f'<option value="{dietitian.pk}">{dietitian.label}, Lille</option>' in page
    response = add_action(world, plan, who="provider", care_provider=dietitian.pk)
    assert response.status_code == 302
    action = plan.actions.get(what="Consultation diététique")
    assert action.care_provider == dietitian
    assert action.provider == dietitian.label
    page = client_for(world.coordinator).get(f"/plans/{plan.pk}/").content.decode()
    assert f"<h3>{dietitian.label}</h3>" in page


def test_while_nobody_is_chosen_the_kind_of_provider_is_enough(world: World) -> None:
    plan = make_plan(world)
    add_action(world, plan, who="provider", provider="un·e diététicien·ne")
    action = plan.actions.get(what="Consultation diététique")
    assert (action.care_provider, action.provider) == (None, "un·e diététicien·ne")


def test_a_provider_action_says_who_or_which_kind(world: World) -> None:
    plan = make_plan(world)
    response = add_action(world, plan, who="provider")
    assert response.status_code == 400
    assert "Choisissez l’intervenant dans l’annuaire" in response.content.decode()
    assert not plan.actions.filter(what="Consultation diététique").exists()


def test_another_owner_drops_the_provider_chosen(world: World) -> None:
    plan = make_plan(world)
    dietitian = care_provider()
    add_action(world, plan, who="provider", care_provider=dietitian.pk)
    action = plan.actions.get(what="Consultation diététique")
    client_for(world.coordinator).post(
        f"/plans/{plan.pk}/actions/{action.pk}/modifier/",
        {"what": "Consultation diététique", "who": "patient", "care_provider": dietitian.pk},
    )
    action.refresh_from_db()
    assert (action.owner, action.care_provider, action.provider) == (Owner.PATIENT, None, "")


def test_prescribing_from_the_action_brings_its_provider_along(world: World) -> None:
    plan = make_plan(world)
    dietitian = care_provider()
    add_action(world, plan, who="provider", care_provider=dietitian.pk)
    action = plan.actions.get(what="Consultation diététique")
    page = client_for(world.gp).get(
        f"/patients/{world.own.pk}/soins-complementaires/prescrire/?action={action.pk}"
    )
    form = page.context["form"]
    assert form["provider"].value() == dietitian.pk
    assert str(form["action"].value()) == str(action.pk)


def test_the_action_shows_the_state_of_its_request_and_the_request_its_action(
    world: World,
) -> None:
    envelope_of(world.own)
    plan = make_plan(world)
    dietitian = care_provider()
    action = Action.objects.create(
        plan=plan,
        what="Consultation diététique",
        owner=Owner.PROVIDER,
        care_provider=dietitian,
        provider=dietitian.label,
    )
    request = supplementary_care_request(
        patient=world.own,
        prescriber=world.gp,
        category=category(),
        provider=dietitian,
        sessions=6,
        unit_price=Decimal("45.00"),
        action=action,
    )
    client = client_for(world.coordinator)
    row = client.get(f"/plans/{plan.pk}/").content.decode()
    row = row[row.index(f'id="action-{action.pk}"') :]
    row = row[: row.index("</li>")]
    assert "6 × diététicien·ne" in row
    assert "En attente de la coordination" in row
    supplementary_care_approve(request=request, by=world.coordinator)
    assert "Accordée" in client.get(f"/plans/{plan.pk}/").content.decode()
    patient_page = client.get(f"/patients/{world.own.pk}/").content.decode()
    assert f'href="/plans/{plan.pk}/#action-{action.pk}">Consultation diététique</a>' in (
        patient_page
    )
