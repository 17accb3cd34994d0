"""The ledger: balances are sums of append-only rows, whatever the movements."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from budget.models import BudgetEnvelope, BudgetMovement, MovementKind
from budget.services import (
    expense_mark_paid,
    expense_record,
    movement_correct,
    supplementary_care_cancel,
)
from labparcours.ledger import LedgerIsAppendOnly
from tests.conftest import World
from tests.factories import approved_request, envelope_of

pytestmark = pytest.mark.django_db


def balances_by_hand(envelope: BudgetEnvelope) -> dict[str, Decimal]:
    """The balances computed here, row by row, without the database's sums."""
    rows = list(BudgetMovement.objects.filter(envelope=envelope).select_related("corrects"))
    by_kind: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        kind = row.corrects.kind if row.kind == MovementKind.CORRECTION else row.kind
        by_kind[kind] += row.amount
    committed = by_kind["commit"] + by_kind["release"]
    return {
        "allotted": by_kind["allot"],
        "committed": committed,
        "spent": by_kind["spend"],
        "paid": by_kind["pay"],
        "remaining": by_kind["allot"] - committed - by_kind["spend"],
    }


def balances(envelope: BudgetEnvelope) -> dict[str, Decimal]:
    row = BudgetEnvelope.objects.with_balances().get(pk=envelope.pk)
    return {name: getattr(row, name) for name in balances_by_hand(envelope)}


def read_balances(envelope: BudgetEnvelope) -> dict[str, Decimal]:
    """The balances one envelope reads of itself (the patient page's), in one grouped query."""
    one = BudgetEnvelope.objects.get(pk=envelope.pk)
    one.read_balances()
    return {name: getattr(one, name) for name in balances_by_hand(envelope)}


def test_it_sums_every_kind_of_movement_as_an_independent_computation_does(world: World) -> None:
    envelope = envelope_of(world.own, "1000.00")
    first = approved_request(world, sessions=6, unit_price="50.00")  # commit 300
    second = approved_request(world, sessions=4, unit_price="50.00")  # commit 200
    day = datetime.date(2026, 3, 2)
    expense_record(request=first, by=world.coordinator, sessions=2, date=day, amount=Decimal("120"))
    paid = expense_record(
        request=first, by=world.coordinator, sessions=2, date=day, amount=Decimal("100")
    )
    supplementary_care_cancel(request=second, by=world.coordinator)  # releases 200
    expense_mark_paid(expense=paid, by=world.admin, paid_on=day, reference="VIR-2026-0012")
    spend = BudgetMovement.objects.filter(expense=paid, kind="spend").get()
    movement_correct(movement=spend, by=world.admin, amount=Decimal("-20"), why="Facture rectifiée")
    allot = BudgetMovement.objects.get(envelope=envelope, kind="allot")
    movement_correct(movement=allot, by=world.admin, amount=Decimal("50"), why="Rallonge")

    assert {row.kind for row in BudgetMovement.objects.filter(envelope=envelope)} == set(
        MovementKind.values
    )
    assert balances(envelope) == balances_by_hand(envelope)
    assert read_balances(envelope) == balances_by_hand(envelope)
    assert balances(envelope) == {
        "allotted": Decimal("1050.00"),
        "committed": Decimal("80.00"),
        "spent": Decimal("200.00"),
        "paid": Decimal("100.00"),
        "remaining": Decimal("770.00"),
    }


def test_an_envelope_without_movements_has_zero_balances(world: World) -> None:
    envelope = envelope_of(world.own, "0.00")
    assert set(balances(envelope).values()) == {Decimal("0.00")}
    assert set(read_balances(envelope).values()) == {Decimal("0.00")}


def test_the_ledger_refuses_to_change_or_delete_a_row(world: World) -> None:
    envelope = envelope_of(world.own, "1000.00")
    row = BudgetMovement.objects.get(envelope=envelope)
    row.amount = Decimal("5000.00")
    with pytest.raises(LedgerIsAppendOnly):
        row.save()
    with pytest.raises(LedgerIsAppendOnly):
        row.delete()
    with pytest.raises(LedgerIsAppendOnly):
        BudgetMovement.objects.filter(pk=row.pk).update(amount=Decimal("5000.00"))
    with pytest.raises(LedgerIsAppendOnly):
        BudgetMovement.objects.filter(pk=row.pk).delete()
    assert BudgetMovement.objects.get(pk=row.pk).amount == Decimal("1000.00")


def test_the_database_refuses_a_movement_of_the_wrong_sign(world: World) -> None:
    envelope = envelope_of(world.own, "1000.00")
    with pytest.raises(DatabaseError), transaction.atomic():
        BudgetMovement.objects.create(
            envelope=envelope, kind=MovementKind.ALLOT, amount=Decimal("-10"), why="x"
        )


def test_postgresql_refuses_an_update_of_the_ledger_in_sql(world: World, needs_postgres) -> None:
    envelope = envelope_of(world.own, "1000.00")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE budget_budgetmovement SET amount = 5000 WHERE envelope_id = %s", [envelope.pk]
        )
