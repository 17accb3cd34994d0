"""Removing a member from a team is asked twice: « Retirer » opens a page that says what
follows (access lost at once, the actions they still carry), and only its button removes."""

from careplans.models import PlanStatus
from tests.conftest import World, client_for
from tests.factories import make_plan


def nurse_membership(world: World):
    return world.own.care_team.memberships.get(professional=world.nurse.professional)


def test_remove_on_the_team_page_is_a_link_to_a_confirmation(world: World) -> None:
    membership = nurse_membership(world)
    url = f"/patients/{world.own.pk}/equipe/{membership.pk}/depart/"
    team = client_for(world.coordinator).get(f"/patients/{world.own.pk}/equipe/").content.decode()
    assert f'<a class="btn btn--ghost btn--small" href="{url}">Retirer</a>' in team
    assert f'<form method="post" action="{url}"' not in team


def test_the_confirmation_says_what_follows_and_removes_nobody(world: World) -> None:
    make_plan(world, status=PlanStatus.VALIDATED)
    membership = nurse_membership(world)
    response = client_for(world.coordinator).get(
        f"/patients/{world.own.pk}/equipe/{membership.pk}/depart/"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Retirer {membership.professional} (Infirmier·e) de l’équipe de soins ?" in page
    assert "perd dès maintenant l’accès au dossier" in page
    assert "Cette personne porte encore 1 action en cours du plan de soins :" in page
    assert "Pesée trois fois par semaine" in page
    membership.refresh_from_db()
    assert membership.is_active


def test_confirming_removes_the_member(world: World) -> None:
    membership = nurse_membership(world)
    client = client_for(world.coordinator)
    response = client.post(f"/patients/{world.own.pk}/equipe/{membership.pk}/depart/")
    assert response["Location"] == f"/patients/{world.own.pk}/equipe/"
    membership.refresh_from_db()
    assert not membership.is_active


def test_the_confirmation_of_a_former_member_goes_back_to_the_team(world: World) -> None:
    former = world.own.care_team.memberships.get(professional=world.former_member.professional)
    response = client_for(world.coordinator).get(
        f"/patients/{world.own.pk}/equipe/{former.pk}/depart/"
    )
    assert response["Location"] == f"/patients/{world.own.pk}/equipe/"
