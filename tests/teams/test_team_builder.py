import pytest
from django.db import IntegrityError

from teams.models import Membership, Professional, TeamRole
from tests.conftest import World, client_for
from tests.factories import ProfessionalFactory


def test_it_refuses_a_wrong_rpps_key_and_writes_nothing(world: World) -> None:
    before = Professional.objects.count()
    response = client_for(world.coordinator).post(
        "/annuaire/nouveau/",
        {
            "last_name": "Roux",
            "first_name": "Léa",
            "profession": "gp",
            "practice_mode": "liberal",
            "rpps": "10001234568",
        },
    )
    assert response.status_code == 200
    assert "La clé du numéro RPPS est fausse" in response.content.decode()
    assert Professional.objects.count() == before


def test_the_api_refuses_a_wrong_rpps_with_a_structured_error(world: World) -> None:
    response = client_for(world.coordinator).post(
        "/api/v1/professionals/",
        {
            "last_name": "Roux",
            "first_name": "Léa",
            "profession": "gp",
            "practice_mode": "liberal",
            "rpps": "12345",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rpps"]


def test_it_refuses_a_duplicate_active_member_with_a_clear_message(world: World) -> None:
    gp = world.gp.professional
    response = client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/equipe/ajouter/", {"professional": gp.pk}, follow=True
    )
    assert "est déjà membre actif de cette équipe" in response.content.decode()
    assert world.own.care_team.memberships.filter(professional=gp).count() == 1


def test_the_api_refuses_a_duplicate_active_member_with_a_structured_error(world: World) -> None:
    response = client_for(world.coordinator).post(
        f"/api/v1/teams/{world.own.care_team.pk}/members/",
        {"professional": world.gp.professional.pk},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_member"


def test_the_database_refuses_a_duplicate_active_member(world: World) -> None:
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            team=world.own.care_team,
            professional=world.gp.professional,
            role=TeamRole.GP,
            added_by=world.coordinator,
        )


def test_a_member_who_leaves_loses_access_and_history_stays(world: World) -> None:
    membership = world.own.care_team.memberships.get(professional=world.nurse.professional)
    response = client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/equipe/{membership.pk}/depart/"
    )
    assert response.status_code == 302
    assert client_for(world.nurse).get(f"/patients/{world.own.pk}/").status_code == 404
    membership.refresh_from_db()
    assert membership.left_at is not None
    page = client_for(world.coordinator).get(f"/patients/{world.own.pk}/equipe/")
    assert "Anciens membres" in page.content.decode()


def test_a_former_member_can_join_again(world: World) -> None:
    former = world.former_member.professional
    client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/equipe/ajouter/", {"professional": former.pk}
    )
    assert client_for(world.former_member).get(f"/patients/{world.own.pk}/").status_code == 200


def test_the_team_shows_what_is_missing(world: World) -> None:
    team = world.other.care_team
    assert [r.label for r in team.missing_roles()] == [
        "Infirmier·e",
        "Pharmacien·ne",
        "Spécialiste",
    ]
    world.own.care_team.memberships.get(professional=world.specialist.professional).leave()
    assert [r.value for r in world.own.care_team.missing_roles()] == ["specialist"]


def test_it_finds_professionals_by_name_profession_and_city(world: World) -> None:
    ProfessionalFactory(last_name="Vandamme", profession="gp", city="Tourcoing")
    ProfessionalFactory(last_name="Vanhove", profession="nurse", city="Roubaix")
    client = client_for(world.coordinator)
    body = client.get("/annuaire/", {"text": "vand"}).content.decode()
    assert "VANDAMME" in body
    assert "VANHOVE" not in body
    body = client.get("/annuaire/", {"profession": "nurse", "city": "roub"}).content.decode()
    assert "VANHOVE" in body
    assert "VANDAMME" not in body
    api = client.get("/api/v1/professionals/", {"search": "vanh"}).json()
    assert [p["last_name"] for p in api["results"]] == ["Vanhove"]
