"""The pages of a patient search: `_count` matches a page (20 unless asked, at most 100),
`total` counts them all, and a `next` link leads on while more match. The links never name a
trait: the search is kept on the server for ten minutes, for the user who searched, and the
link names its id and a page number; anyone else, or later, is answered 404."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from labparcours.models import AccessLogEntry
from patients.models import Patient
from tests.conftest import World, client_for
from tests.factories import MembershipFactory, PatientFactory
from tests.fhir.searching import FORM, SEARCH, answered, body, ids, refusal, search

BORN = datetime.date(1939, 11, 23)
GIVEN = ("Aurèle", "Bénédicte", "Cyprien", "Domitille", "Eudes")
BY_TRAITS = {"family": "Vandercruyssen", "birthdate": BORN.isoformat()}


@pytest.fixture
def five(world: World) -> list[Patient]:
    """Five patients of the same birth name and birth date (a name no drawn name meets),
    and one born another day, who matches nothing here."""
    PatientFactory(
        coordinator=world.coordinator,
        last_name="Vandercruyssen",
        first_name="Fulbert",
        birth_date=BORN + datetime.timedelta(days=1),
    )
    return [
        PatientFactory(
            coordinator=world.coordinator,
            last_name="Vandercruyssen",
            first_name=name,
            birth_date=BORN,
        )
        for name in GIVEN
    ]


def link(bundle: dict, relation: str) -> str | None:
    return next((lk["url"] for lk in bundle["link"] if lk["relation"] == relation), None)


def path(url: str) -> str:
    """A link's URL as the test client asks for it (the server's base stripped)."""
    return url[url.index("/fhir/") :]


def pages(client: Client, form: str) -> list[dict]:
    """Every page of a search, from its answer through each `next` link."""
    bundles = [search(client, form)]
    while (following := link(bundles[-1], "next")) is not None:
        bundles.append(answered(client.get(path(following))))
    return bundles


def test_it_answers_five_matches_in_three_pages_of_two(world: World, five: list[Patient]) -> None:
    bundles = pages(client_for(world.coordinator), body(**BY_TRAITS, _count="2"))
    assert [len(ids(b)) for b in bundles] == [2, 2, 1]
    assert [b["total"] for b in bundles] == [5, 5, 5]
    assert sorted(i for b in bundles for i in ids(b)) == sorted(str(p.pk) for p in five)
    assert link(bundles[-1], "next") is None
    assert [link(b, "previous") is None for b in bundles] == [True, False, False]


def test_it_names_no_trait_in_any_link(world: World, five: list[Patient]) -> None:
    bundles = pages(client_for(world.coordinator), body(**BY_TRAITS, _count="2"))
    links = json.dumps([b["link"] for b in bundles])
    for trait in ("Vandercruyssen", "vandercruyssen", BORN.isoformat(), "1939", *GIVEN):
        assert trait not in links
    assert "page=3" in links
    assert all("_count" not in lk["url"] for b in bundles for lk in b["link"])


def test_it_logs_the_reads_of_each_page_as_it_is_served(world: World, five: list[Patient]) -> None:
    client = client_for(world.coordinator)
    reads = AccessLogEntry.objects.filter(user=world.coordinator, what="fhir patient")
    first = search(client, body(**BY_TRAITS, _count="2"))
    assert sorted(str(r) for r in reads.values_list("patient", flat=True)) == sorted(ids(first))
    second = answered(client.get(path(link(first, "next"))))
    assert reads.count() == 4
    assert set(ids(second)) <= {str(r) for r in reads.values_list("patient", flat=True)}


def test_it_answers_the_next_link_of_anothers_search_404(world: World, five: list[Patient]) -> None:
    """Even a user whose scope holds the same patients (the admin) follows the
    coordinator's link to nothing, and no read is logged."""
    first = search(client_for(world.coordinator), body(**BY_TRAITS, _count="2"))
    reads = AccessLogEntry.objects.count()
    for who in ("admin", "gp"):
        response = client_for(world.user(who)).get(path(link(first, "next")))
        assert "not found" in refusal(response, 404)
        assert response.json()["issue"][0]["code"] == "not-found"
    assert AccessLogEntry.objects.count() == reads
    refusal(Client().get(path(link(first, "next"))), 401)


def test_it_answers_an_expired_or_unknown_search_404(world: World, five: list[Patient]) -> None:
    client = client_for(world.coordinator)
    first = search(client, body(**BY_TRAITS, _count="2"))
    following = path(link(first, "next"))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        refusal(client.get(following), 404)
    for unknown in ("AAAAAAAAAAAAAAAAAAAAAA", "not-a-search-id", "%2E%2E"):
        refusal(client.get(f"{SEARCH}/{unknown}?page=2"), 404)


def test_it_answers_a_page_past_the_last_404(world: World, five: list[Patient]) -> None:
    client = client_for(world.coordinator)
    following = path(link(search(client, body(**BY_TRAITS, _count="2")), "next"))
    refusal(client.get(following.replace("page=2", "page=4")), 404)
    assert "page: give a whole number" in refusal(
        client.get(following.replace("page=2", "page=two")), 400
    )
    # The first page is there again, and the last.
    assert len(ids(answered(client.get(following.replace("page=2", "page=1"))))) == 2
    assert len(ids(answered(client.get(following.replace("page=2", "page=3"))))) == 1
    assert answered(client.get(following))["total"] == 5


def test_it_keeps_the_ids_found_never_the_traits_searched(
    world: World, five: list[Patient]
) -> None:
    """What the server keeps for the next pages (in the cache, ten minutes) names no trait:
    the ids of the patients found, random, as their own pages' addresses do."""
    following = link(search(client_for(world.coordinator), body(**BY_TRAITS, _count="2")), "next")
    search_id = path(following).split("/")[4].split("?")[0]
    kept = json.dumps(cache.get(f"fhir-search:{search_id}"), ensure_ascii=False)
    for trait in ("Vandercruyssen", "VANDERCRUYSSEN", BORN.isoformat(), "1939", *GIVEN):
        assert trait not in kept
    assert sorted(json.loads(kept)["ids"]) == sorted(str(p.pk) for p in five)


def test_it_shows_twenty_matches_unless_asked(world: World, five: list[Patient]) -> None:
    bundle = search(client_for(world.coordinator), body(**BY_TRAITS))
    assert len(ids(bundle)) == 5
    assert link(bundle, "next") is None


@pytest.mark.parametrize("count", ["0", "101", "-1", "2.5", "deux", "", "²"])
def test_it_refuses_a_count_it_cannot_serve(world: World, five: list[Patient], count: str) -> None:
    response = client_for(world.coordinator).post(
        SEARCH, body(**BY_TRAITS, _count=count), content_type=FORM
    )
    assert "_count: give a whole number of matches per page, from 1 to 100" in refusal(
        response, 400
    )


def test_a_next_page_shows_only_what_the_caller_still_sees(world: World) -> None:
    """The pages are read again within the caller's scope: a patient who left it after the
    first page is not shown on the next ones, which are still there (each page is its share
    of the matches found), empty."""
    team = [
        PatientFactory(
            coordinator=world.coordinator,
            last_name="Vandercruyssen",
            first_name=name,
            birth_date=BORN,
        )
        for name in GIVEN[:3]
    ]
    joined = [MembershipFactory(patient=p, professional=world.gp.professional) for p in team]
    client = client_for(world.gp)
    first = search(client, body(**BY_TRAITS, _count="1"))
    assert first["total"] == 3
    for membership in joined:
        membership.leave()
    second = answered(client.get(path(link(first, "next"))))
    assert ids(second) == []
    third = answered(client.get(path(link(second, "next"))))
    assert ids(third) == []
    assert link(third, "next") is None
