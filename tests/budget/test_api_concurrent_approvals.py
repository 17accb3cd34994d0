"""Twenty approvals sent to the API at once never overdraw an envelope: seven answer 200, the
others 409 with what is left (PostgreSQL, real transactions in threads)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from budget.models import BudgetEnvelope, CareRequestStatus, SupplementaryCare
from tests.conftest import World, client_for
from tests.factories import care_request, envelope_of


@pytest.mark.django_db(transaction=True)
def test_twenty_approvals_at_once_through_the_api_never_exceed_the_envelope(
    needs_postgres: None, fresh_world: World
) -> None:
    envelope = envelope_of(fresh_world.own, "1000.00")
    requests = [care_request(fresh_world, sessions=3, unit_price="45.00") for _ in range(20)]
    clients = [client_for(fresh_world.coordinator) for _ in requests]
    start = threading.Barrier(len(requests))
    answers: list[tuple[int, dict]] = []

    def approve(client, request: SupplementaryCare) -> None:
        try:
            start.wait()
            answer = client.post(f"/api/v1/supplementary-care/{request.pk}/approve/")
            answers.append((answer.status_code, answer.json()))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=pair) for pair in zip(clients, requests, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(code for code, _ in answers) == [200] * 7 + [409] * 13
    refusals = [body for code, body in answers if code == 409]
    assert {body["code"] for body in refusals} == {"overdraft"}
    # Each refusal says what was left when it was refused: 55 € once seven were approved.
    assert {body["remaining"] for body in refusals} == {"55.00"}
    approved = SupplementaryCare.objects.filter(status=CareRequestStatus.APPROVED)
    assert sum((r.amount for r in approved), Decimal(0)) == Decimal("945.00")
    balances = BudgetEnvelope.objects.with_balances().get(pk=envelope.pk)
    assert balances.remaining == Decimal("55.00")  # type: ignore[attr-defined]
