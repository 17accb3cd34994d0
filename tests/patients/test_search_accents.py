"""On PostgreSQL the coordinator's dashboard finds a patient by a name or a city typed without
its accents (« lefevre besancon »), as a phone's keyboard makes it easy to type; the column it
reads follows the names, and a trigram index serves it (the directory's too)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model

from labparcours.search import words_in
from patients.models import Patient
from teams.models import Professional
from tests.conftest import World, client_for
from tests.factories import PatientFactory


@pytest.fixture
def lefevre(world: World) -> Patient:
    # Beside her, a patient no search here names (the world's have random names and cities).
    PatientFactory(last_name="Quorvagne", first_name="Paul", city="Lille")
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
    assert "QUORVAGNE" not in page


@pytest.mark.parametrize("typed", ["lefebvre", "helene quorvagne", "%", "_", "lef%re"])
def test_other_letters_and_wildcards_find_nobody_else(
    needs_postgres: None, world: World, lefevre: Patient, typed: str
) -> None:
    page = _found(world, typed)
    assert "LEFÈVRE Hélène" not in page
    assert "QUORVAGNE" not in page


@pytest.mark.parametrize(
    ("model", "index"),
    [(Patient, "patient_search_text"), (Professional, "professional_search_text")],
)
def test_a_trigram_index_serves_the_search_column(
    needs_postgres: None, world: World, lefevre: Patient, model: type[Model], index: str
) -> None:
    """The index is built on the column the search reads (patients migration 0006, teams
    0005): the planner can use it."""
    query = model.objects.filter(words_in("lefevre"))
    with connection.cursor() as cursor:
        # Neither the whole table nor the by-name index read in order, as the planner would
        # choose for a few rows: what is left is the trigram index, if it fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = query.explain()
    assert f"Bitmap Index Scan on {index}" in plan


def test_the_search_follows_a_corrected_name(
    needs_postgres: None, world: World, lefevre: Patient
) -> None:
    """The column is the database's: a name corrected on the patient's page is found under
    its new spelling at once, and no longer under the old one."""
    lefevre.last_name = "Lefébure"
    lefevre.save()
    assert "LEFÉBURE Hélène" in _found(world, "lefebure")
    assert "LEFÉBURE Hélène" not in _found(world, "lefevre")


def test_one_or_two_letters_are_searched_too(
    needs_postgres: None, world: World, lefevre: Patient
) -> None:
    """Under three letters no trigram index helps: the column is read as it is, accents
    aside all the same."""
    assert "LEFÈVRE Hélène" in _found(world, "lè fè")
    assert "LEFÈVRE Hélène" in _found(world, "C")  # Besançon
