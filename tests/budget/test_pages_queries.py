"""« Demandes à valider » and the envelope card read in a number of queries that does not grow
with the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import CareRequestStatus, Expense, SupplementaryCare
from budget.services import envelope_open
from tests.budget.pages import envelopes_of
from tests.conftest import World, client_for
from tests.factories import PatientFactory, care_provider, category

pytestmark = pytest.mark.django_db


def add_requests(world: World, n: int, *, per_patient: int = 10, status: str = "requested"):
    """`n` requests spread over new patients, each with an envelope, new providers."""
    cat, rows = category(), []
    for start in range(0, n, per_patient):
        patient = PatientFactory(coordinator=world.coordinator)
        envelope = envelope_open(patient=patient, year=1)
        for _ in range(min(per_patient, n - start)):
            rows.append(_request(world, envelope, cat, status))
    SupplementaryCare.objects.bulk_create(rows)


def _request(world: World, envelope, cat, status: str) -> SupplementaryCare:
    decided = {} if status == "requested" else {"decided_by": world.coordinator}
    return SupplementaryCare(
        envelope=envelope,
        category=cat,
        provider=care_provider(),
        sessions=2,
        unit_price=Decimal("10.00"),
        prescriber=world.coordinator,
        status=status,
        decided_at=None if status == "requested" else timezone.now(),
        **decided,
    )


def test_the_requests_to_approve_cost_the_same_for_10_and_500_rows(
    world: World, django_assert_max_num_queries
) -> None:
    envelopes_of(world.own)
    client = client_for(world.coordinator)
    client.get("/soins-complementaires/a-valider/")
    add_requests(world, 10)
    with django_assert_max_num_queries(30) as few:
        page = client.get("/soins-complementaires/a-valider/").content.decode()
    assert page.count('id="care-') == 10
    add_requests(world, 490)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/soins-complementaires/a-valider/?page=2").status_code == 200


def _own_rows(world: World, envelope, n: int) -> None:
    cat = category()
    rows = [_request(world, envelope, cat, CareRequestStatus.APPROVED) for _ in range(n)]
    made = SupplementaryCare.objects.bulk_create(rows)
    Expense.objects.bulk_create(
        Expense(
            request=care,
            sessions=1,
            date=timezone.localdate() - datetime.timedelta(days=1),
            amount=Decimal("10.00"),
            recorded_by=world.coordinator,
        )
        for care in made
    )


def test_the_envelope_card_costs_the_same_for_10_and_500_rows(
    world: World, django_assert_max_num_queries
) -> None:
    [envelope] = envelopes_of(world.own)
    client = client_for(world.coordinator)
    url = f"/patients/{world.own.pk}/"
    client.get(url)
    _own_rows(world, envelope, 10)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).content.decode().count("budget:expense") == 0
    _own_rows(world, envelope, 490)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("/depense/") == 500
