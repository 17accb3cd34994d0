"""On PostgreSQL the coordinator's dashboard finds a patient by a name or a city typed without
its accents (« lefevre besancon »), as a phone's keyboard makes it easy to type, and its
trigram indexes still serve that search."""

from __future__ import annotations

import pytest
from django.db import connection

from labparcours.search import words_in
from patients.models import Patient
from patients.views import DASHBOARD_ORDER
from tests.conftest import World, client_for
from tests.factories import PatientFactory


@pytest.fixture
def lefevre(world: World) -> Patient:
    return PatientFactory(last_name="Lefèvre", first_name="Hélène", city="Besançon")


def _found(world: World, typed: str) -> str:
    response = client_for(world.coordinator).post(
        "/coordination/", {"q": typed}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "typed", ["lefevre", "helene lefevre", "LEFÈVRE", "besancon", "Hélène", "efe"]
)
def test_the_dashboard_finds_a_name_typed_without_its_accents(
    needs_postgres: None, world: World, lefevre: Patient, typed: str
) -> None:
    page = _found(world, typed)
    assert "LEFÈVRE Hélène" in page
    assert "LAMBERT" not in page


@pytest.mark.parametrize("typed", ["lefebvre", "helene lambert", "%", "_", "lef%re"])
def test_other_letters_and_wildcards_find_nobody_else(
    needs_postgres: None, world: World, lefevre: Patient, typed: str
) -> None:
    page = _found(world, typed)
    assert "LEFÈVRE Hélène" not in page
    assert "LAMBERT" not in page


def test_the_trigram_indexes_serve_the_search_without_accents(
    needs_postgres: None, world: World, lefevre: Patient
) -> None:
    """The indexes are built on the expression the search compares (patients migration 0006):
    the planner can use them."""
    query = Patient.objects.filter(
        words_in("lefevre", ("last_name", "first_name", "city"))
    ).order_by(*DASHBOARD_ORDER)
    with connection.cursor() as cursor:
        # Neither the whole table nor the by-name index read in order, as the planner would
        # choose for a few rows: what is left is the trigram indexes, if they fit.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = query.explain()
    for column in ("last_name", "first_name", "city"):
        assert f"patient_{column}_search" in plan
    assert list(query) == [lefevre]
