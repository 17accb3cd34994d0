"""On PostgreSQL the directory's search, and the indicators' GP search that uses it, read names
without their accents: what a coordinator types on a phone finds « Lefèvre » and « Hélène »."""

from __future__ import annotations

import pytest

from programme.forms import IndicatorFilterForm
from teams.models import CareTeam, Membership, Professional, TeamRole
from tests.conftest import World, client_for
from tests.factories import ProfessionalFactory


@pytest.fixture
def lefevre(world: World) -> Professional:
    gp = ProfessionalFactory(
        last_name="Lefèvre", first_name="Hélène", organisation="Cabinet Étoile"
    )
    Membership.objects.create(
        team=CareTeam.objects.get(patient=world.own),
        professional=gp,
        role=TeamRole.GP,
        added_by=world.coordinator,
    )
    return gp


@pytest.mark.parametrize("typed", ["lefevre helene", "LEFÈVRE", "Helene", "etoile", "hélène"])
def test_the_directory_finds_a_name_typed_without_its_accents(
    needs_postgres: None, lefevre: Professional, typed: str
) -> None:
    # The world's other professionals have names of their own (another Hélène, may be).
    assert lefevre in Professional.objects.search(text=typed)


def test_the_directory_page_and_the_gp_filter_find_it_too(
    needs_postgres: None, world: World, lefevre: Professional
) -> None:
    page = client_for(world.coordinator).get("/annuaire/?text=lefevre").content.decode()
    assert "LEFÈVRE Hélène" in page
    form = IndicatorFilterForm({"medecin_nom": "helene lefevre"})
    assert [pk for pk, _label in form.fields["medecin"].choices if pk] == [lefevre.pk]


def test_a_name_with_other_letters_is_not_found(
    needs_postgres: None, lefevre: Professional
) -> None:
    assert lefevre not in Professional.objects.search(text="lefebvre")
