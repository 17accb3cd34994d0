"""The overview, the rows behind its figures and the exports run a number of queries that
does not grow with the cohort, from 10 to 500 patients."""

from __future__ import annotations

import pytest

from budget.models import CareProvider, ProviderKind
from tests.budget.overview_cohort import bulk_cohort
from tests.conftest import World, client_for
from tests.factories import category

PAGES = [
    "/gestion/budget/",
    "/gestion/budget/mouvements/",
    "/gestion/budget/mouvements/?etat=spend&parcours=ic",
    "/gestion/budget/demandes/",
    "/gestion/budget/demandes/?etat=unspent",
    "/gestion/budget/depenses/?etat=paid",
    "/gestion/budget/exports/?quoi=demandes&du=2020-01-01&au=2024-12-31&format=csv",
]


def grow(world: World, n: int) -> None:
    provider = CareProvider.objects.filter(siret="73282932000074").first() or (
        CareProvider.objects.create(
            kind=ProviderKind.ASSOCIATION, name="Sport Santé", siret="73282932000074"
        )
    )
    bulk_cohort(
        n,
        coordinator=world.coordinator,
        admin=world.admin,
        categories=[category("diététicien·ne"), category("psychologue"), category("apa")],
        provider=provider,
    )


def exports(kind: str, fmt: str) -> str:
    from django.utils import timezone

    today = timezone.localdate()
    return (
        f"/gestion/budget/exports/?quoi={kind}&du={today.replace(year=today.year - 2)}"
        f"&au={today}&format={fmt}"
    )


ALL = PAGES + [
    exports(k, f) for k in ("demandes", "depenses", "mouvements") for f in ("csv", "xlsx")
]


@pytest.mark.parametrize("url", ALL)
def test_the_number_of_queries_does_not_grow_with_the_cohort(
    world: World, url: str, django_assert_max_num_queries
) -> None:
    client = client_for(world.admin)
    client.get(url)  # warm the session
    grow(world, 10)
    with django_assert_max_num_queries(30) as few:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            rows = b"".join(response.streaming_content)
    grow(world, 490)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            more = b"".join(response.streaming_content)
            assert len(more) > len(rows) or "2024-12-31" in url
