"""The indicators' GP filter finds GPs by name: a national programme has thousands of them, and
a list of them all made the page heavy to draw and impossible to use on a phone. The list
offers the GP chosen and the first GPs whose name holds what was typed; the search answers as
the user types (htmx) without computing the figures again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programme.forms import GP_CHOICES_SHOWN, IndicatorFilterForm
from teams.models import CareTeam, Membership, Professional, TeamRole
from tests.conftest import World, client_for
from tests.factories import ProfessionalFactory


def _leading_gps(world: World, last_name: str, n: int) -> list[Professional]:
    """`n` GPs named `last_name` 1…n, each in the own patient's team. The names searched are
    made up: the world's professionals have random French names (and organisations), and a
    « Martin » among them would be found too."""
    team = CareTeam.objects.get(patient=world.own)
    gps = [
        ProfessionalFactory(last_name=f"{last_name}{i:03d}", first_name="Camille")
        for i in range(1, n + 1)
    ]
    Membership.objects.bulk_create(
        Membership(team=team, professional=gp, role=TeamRole.GP, added_by=world.coordinator)
        for gp in gps
    )
    return gps


def _offered(form: IndicatorFilterForm) -> list[int]:
    return [pk for pk, _label in form.fields["medecin"].choices if pk != ""]


def test_without_a_search_the_filter_offers_no_gp_but_every_gp(world: World) -> None:
    _leading_gps(world, "Durand", 5)
    page = client_for(world.coordinator).get("/indicateurs/").content.decode()
    assert "DURAND001" not in page
    assert "Tous les médecins traitants" in page
    assert "Tapez au moins deux lettres d’un nom pour trouver un médecin traitant." in page


def test_a_name_typed_finds_the_gps_who_lead_a_team_and_no_other(world: World) -> None:
    found = _leading_gps(world, "Quelbrevec", 3)
    ProfessionalFactory(last_name="Quelbrevec999", first_name="Camille")  # in no team
    left = _leading_gps(world, "Quelbrevec-Parti", 1)[0]  # left the team since
    Membership.objects.filter(professional=left).update(left_at=timezone.now())
    form = IndicatorFilterForm({"medecin_nom": "quelb"})
    assert sorted(_offered(form)) == sorted(gp.pk for gp in found)
    assert form.gp_help() == "3 médecins trouvés : choisissez dans la liste."
    # Every word of the search, in the first or the last name.
    form = IndicatorFilterForm({"medecin_nom": "Camille QUELBREVEC002"})
    assert _offered(form) == [found[1].pk]
    assert form.gp_help() == "1 médecin trouvé : choisissez-le dans la liste."
    assert IndicatorFilterForm({"medecin_nom": "Zz"}).gp_help() == (
        "Aucun médecin traitant d’une équipe ne porte ce nom."
    )


def test_the_list_stops_at_its_first_gps_and_says_how_to_narrow_it(world: World) -> None:
    gps = _leading_gps(world, "Vorimant", GP_CHOICES_SHOWN + 5)
    form = IndicatorFilterForm({"medecin_nom": "vorimant"})
    assert _offered(form) == [gp.pk for gp in gps[:GP_CHOICES_SHOWN]]
    assert "tapez la suite du nom pour affiner la liste" in form.gp_help()


def test_the_gp_chosen_stays_offered_and_filters_the_figures(world: World) -> None:
    gp = world.gp.professional
    client = client_for(world.coordinator)
    response = client.get(f"/indicateurs/?medecin={gp.pk}")
    assert response.status_code == 200
    assert response.context["filters"].gp == gp.pk
    page = response.content.decode()
    assert f'<option value="{gp.pk}" selected>' in page
    # Searching another name keeps the GP chosen first in the list.
    other = _leading_gps(world, "Gribanel", 1)[0]
    form = IndicatorFilterForm({"medecin": str(gp.pk), "medecin_nom": "gribanel"})
    assert _offered(form) == [gp.pk, other.pk]


@pytest.mark.parametrize("given", ["999999999", "abc", "-3", "1" * 30])
def test_a_gp_that_leads_no_team_is_refused_with_a_message(world: World, given: str) -> None:
    response = client_for(world.coordinator).get(f"/indicateurs/?medecin={given}")
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_search_as_one_types_answers_the_list_alone_in_a_few_queries(world: World) -> None:
    _leading_gps(world, "Tzernac", 3)
    client = client_for(world.coordinator)
    client.get("/indicateurs/")  # the session warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/indicateurs/?medecin_nom=tzern", headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div class="gp-choice" id="gp-choice">')
    assert page.count("TZERNAC0") == 3
    assert "indicator-section" not in page  # the figures are not computed for it
    assert len(queries.captured_queries) <= 6


def test_the_page_costs_the_same_queries_for_5_or_200_gps(world: World) -> None:
    client = client_for(world.coordinator)
    client.get("/indicateurs/")

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/indicateurs/?medecin_nom=dub&recalculer=1")
        return len(queries.captured_queries)

    _leading_gps(world, "Dubois", 5)
    few = counted()
    _leading_gps(world, "Dubreuil", 195)
    assert counted() == few
