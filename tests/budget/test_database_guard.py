"""Whatever the door, PostgreSQL refuses a transaction that leaves an envelope or a category's
yearly ceiling overdrawn (a constraint trigger checked at commit)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from budget.models import BudgetEnvelope, BudgetMovement, MovementKind
from tests.conftest import World
from tests.factories import category, envelope_of

pytestmark = pytest.mark.django_db(transaction=True)


def move(envelope: BudgetEnvelope, kind: str, amount: str, name: str = "psychologue") -> None:
    BudgetMovement.objects.create(
        envelope=envelope,
        category=category(name),
        kind=kind,
        amount=Decimal(amount),
        why="written in SQL, past the services",
    )


def remaining(envelope: BudgetEnvelope) -> Decimal:
    return BudgetEnvelope.objects.with_balances().get(pk=envelope.pk).remaining  # type: ignore[attr-defined]


def test_it_refuses_a_commitment_beyond_the_envelope(needs_postgres, fresh_world: World) -> None:
    envelope = envelope_of(fresh_world.own, "1000.00")
    with pytest.raises(IntegrityError, match="overdrawn"), transaction.atomic():
        move(envelope, MovementKind.COMMIT, "1000.01")
    assert remaining(envelope) == Decimal("1000.00")


def test_it_refuses_a_category_over_its_ceiling(needs_postgres, fresh_world: World) -> None:
    envelope = envelope_of(fresh_world.own, "1000.00")
    category("psychologue", ceiling="300.00")
    with transaction.atomic():
        move(envelope, MovementKind.COMMIT, "300.00")
    with pytest.raises(IntegrityError, match="ceiling"), transaction.atomic():
        move(envelope, MovementKind.COMMIT, "0.01")
    assert remaining(envelope) == Decimal("700.00")


def test_a_spend_balanced_by_its_release_in_one_transaction_passes(
    needs_postgres, fresh_world: World
) -> None:
    envelope = envelope_of(fresh_world.own, "500.00")
    with transaction.atomic():
        move(envelope, MovementKind.COMMIT, "500.00")
    with transaction.atomic():  # the spend alone would overdraw; with its release it does not
        move(envelope, MovementKind.SPEND, "500.00")
        move(envelope, MovementKind.RELEASE, "-500.00")
    assert remaining(envelope) == Decimal("0.00")
