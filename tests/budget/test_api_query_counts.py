"""The budget's lists in the API run a number of queries that does not grow with the rows,
from 10 envelopes to 500."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import (
    BudgetEnvelope,
    BudgetMovement,
    CareRequestStatus,
    Expense,
    MovementKind,
    SupplementaryCare,
)
from patients.models import Consent, ConsentKind, Patient, PatientStatus
from teams.models import CareTeam, Membership
from tests.conftest import World, client_for
from tests.factories import care_provider, category

DAY = datetime.timedelta(days=1)


def add_budgets(world: World, n: int) -> None:
    """`n` included patients in the GP's care, in a few bulk inserts, each with an envelope,
    an approved request, a paid-to-be expense and the ledger rows of all that."""
    today = timezone.localdate()
    coordinator = world.coordinator
    patients = Patient.objects.bulk_create(
        Patient(
            last_name=f"Patient{i}",
            first_name="Test",
            birth_date=datetime.date(1950, 1, 1),
            sex="F",
            pathway="ic",
            status=PatientStatus.INCLUDED,
            inclusion_date=today - 30 * DAY,
            coordinator=coordinator,
        )
        for i in range(n)
    )
    teams = CareTeam.objects.bulk_create(CareTeam(patient=p) for p in patients)
    Consent.objects.bulk_create(
        Consent(patient=p, kind=kind, recorded_by=coordinator)
        for p in patients
        for kind in (ConsentKind.PARTICIPATION, ConsentKind.TEAM_SHARING)
    )
    Membership.objects.bulk_create(
        Membership(team=t, professional=world.gp.professional, role="gp", added_by=coordinator)
        for t in teams
    )
    envelopes = BudgetEnvelope.objects.bulk_create(
        BudgetEnvelope(
            patient=p,
            year=1,
            starts_on=today - 30 * DAY,
            ends_on=today + 335 * DAY,
            amount=Decimal("600.00"),
        )
        for p in patients
    )
    cat, provider = category(), care_provider()
    requests = SupplementaryCare.objects.bulk_create(
        SupplementaryCare(
            envelope=e,
            category=cat,
            provider=provider,
            sessions=4,
            unit_price=Decimal("50.00"),
            prescriber=world.gp,
            status=CareRequestStatus.APPROVED,
            decided_by=coordinator,
            decided_at=timezone.now(),
        )
        for e in envelopes
    )
    expenses = Expense.objects.bulk_create(
        Expense(request=r, sessions=1, date=today, amount=Decimal("50.00"), recorded_by=coordinator)
        for r in requests
    )
    rows = []
    for e, r, x in zip(envelopes, requests, expenses, strict=True):
        common = {"envelope": e, "by": coordinator, "why": "test"}
        rows += [
            BudgetMovement(kind=MovementKind.ALLOT, amount=Decimal("600.00"), **common),
            BudgetMovement(
                kind=MovementKind.COMMIT,
                amount=Decimal("200.00"),
                category=cat,
                request=r,
                **common,
            ),
            BudgetMovement(
                kind=MovementKind.SPEND,
                amount=Decimal("50.00"),
                category=cat,
                request=r,
                expense=x,
                **common,
            ),
            BudgetMovement(
                kind=MovementKind.RELEASE,
                amount=Decimal("-50.00"),
                category=cat,
                request=r,
                expense=x,
                **common,
            ),
        ]
    BudgetMovement.objects.bulk_create(rows)


LISTS = [
    (role, f"/api/v1/{path}/")
    for role in ("coordinator", "gp")
    for path in ("budgets", "supplementary-care", "expenses", "budget-movements")
] + [("admin", "/api/v1/expenses/?status=to_pay"), ("patient_user", "/api/v1/supplementary-care/")]


@pytest.mark.parametrize(("role", "url"), LISTS)
def test_the_budget_lists_run_a_constant_number_of_queries(
    world: World, role: str, url: str, django_assert_max_num_queries
) -> None:
    client = client_for(world.user(role))
    client.get(url)  # warm the session
    add_budgets(world, 10)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add_budgets(world, 490)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        answer = client.get(url)
        assert answer.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    if role != "patient_user":
        body = answer.json()
        assert len(body["results"]) == 25
        assert body["next"], "a full page, and a cursor to the next"
