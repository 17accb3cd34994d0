"""Many coordinators approving at once never overdraw an envelope (PostgreSQL, real
transactions in threads)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from budget.models import BudgetEnvelope, CareRequestStatus, Overdraft, SupplementaryCare
from budget.services import supplementary_care_approve
from tests.conftest import World
from tests.factories import care_request, envelope_of


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_never_exceed_the_envelope(
    needs_postgres: None, fresh_world: World
) -> None:
    envelope = envelope_of(fresh_world.own, "1000.00")
    requests = [care_request(fresh_world, sessions=3, unit_price="45.00") for _ in range(20)]
    start = threading.Barrier(len(requests))
    outcomes: list[str] = []

    def approve(request: SupplementaryCare) -> None:
        try:
            start.wait()
            supplementary_care_approve(request=request, by=fresh_world.coordinator)
            outcomes.append("approved")
        except Overdraft:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    approved = SupplementaryCare.objects.filter(status=CareRequestStatus.APPROVED)
    total = sum((request.amount for request in approved), Decimal(0))
    assert sorted(outcomes) == ["approved"] * 7 + ["refused"] * 13
    assert total == Decimal("945.00")
    balances = BudgetEnvelope.objects.with_balances().get(pk=envelope.pk)
    assert balances.remaining == Decimal("55.00")  # type: ignore[attr-defined]
