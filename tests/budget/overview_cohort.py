"""A cohort of patients with envelopes, requests, expenses and their ledger, written in bulk
(a few INSERTs whatever its size): for the query counts of the overview and its lists, and
for the benchmark on 10,000 patients. The rows are what the services would have written."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from budget.models import (
    BudgetCategory,
    BudgetEnvelope,
    BudgetMovement,
    CareProvider,
    CareRequestStatus,
    Expense,
    ExpenseStatus,
    MovementKind,
    SupplementaryCare,
)
from labparcours.models import User
from patients.models import Patient, PatientStatus

PATHWAYS = ("ic", "dt2", "ic_dt2")
BATCH = 2000


def bulk_cohort(
    n: int,
    *,
    coordinator: User,
    admin: User,
    categories: list[BudgetCategory],
    provider: CareProvider,
) -> list[Patient]:
    """`n` included patients, each with a current envelope of 1,000 €, one approved request
    (every fifth one 80 % of the envelope, approved 120 days ago and never used), and for the
    others an expense, paid every other time, spread over the last quarters."""
    today = timezone.localdate()
    now = timezone.now()
    patients = Patient.objects.bulk_create(
        [
            Patient(
                last_name=f"Cohorte{i}",
                first_name="Test",
                birth_date=datetime.date(1950, 1, 1),
                sex="F",
                pathway=PATHWAYS[i % 3],
                status=PatientStatus.INCLUDED,
                inclusion_date=today - datetime.timedelta(days=200),
                coordinator=coordinator,
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )
    envelopes = BudgetEnvelope.objects.bulk_create(
        [
            BudgetEnvelope(
                patient=p,
                year=1,
                starts_on=today - datetime.timedelta(days=200),
                ends_on=today + datetime.timedelta(days=165),
                amount=Decimal("1000.00"),
            )
            for p in patients
        ],
        batch_size=BATCH,
    )
    cats = itertools.cycle(categories)
    requests = SupplementaryCare.objects.bulk_create(
        [
            SupplementaryCare(
                envelope=e,
                category=next(cats),
                provider=provider,
                sessions=16 if i % 5 == 0 else 4,
                unit_price=Decimal("50.00"),
                prescriber=coordinator,
                requested_at=now - datetime.timedelta(days=130 if i % 5 == 0 else i % 180),
                status=CareRequestStatus.APPROVED,
                decided_by=coordinator,
                decided_at=now - datetime.timedelta(days=120 if i % 5 == 0 else i % 180),
            )
            for i, e in enumerate(envelopes)
        ],
        batch_size=BATCH,
    )
    used = [(i, r) for i, r in enumerate(requests) if i % 5]
    expenses = Expense.objects.bulk_create(
        [_expense(i, r, coordinator, admin, today) for i, r in used], batch_size=BATCH
    )
    movements = [
        BudgetMovement(envelope=e, kind=MovementKind.ALLOT, amount=e.amount, why="Forfait")
        for e in envelopes
    ]
    for r in requests:
        movements.append(_movement(r, MovementKind.COMMIT, r.unit_price * r.sessions, r.decided_at))
    for x in expenses:
        spent_at = timezone.make_aware(datetime.datetime.combine(x.date, datetime.time(12)))
        movements.append(_movement(x.request, MovementKind.SPEND, x.amount, spent_at, x))
        movements.append(_movement(x.request, MovementKind.RELEASE, -x.amount, spent_at, x))
        if x.status == ExpenseStatus.PAID:
            movements.append(_movement(x.request, MovementKind.PAY, x.amount, spent_at, x))
    BudgetMovement.objects.bulk_create(movements, batch_size=BATCH)
    return patients


def _expense(i: int, r: SupplementaryCare, by: User, admin: User, today: datetime.date) -> Expense:
    day = today - datetime.timedelta(days=i % 400)
    paid = i % 2 == 0
    return Expense(
        request=r,
        sessions=1,
        date=day,
        amount=Decimal("50.00"),
        recorded_by=by,
        status=ExpenseStatus.PAID if paid else ExpenseStatus.TO_PAY,
        paid_on=day if paid else None,
        paid_by=admin if paid else None,
        payment_reference=f"VIR-{i}" if paid else "",
    )


def _movement(
    r: SupplementaryCare,
    kind: str,
    amount: Decimal,
    at: datetime.datetime | None,
    expense: Expense | None = None,
) -> BudgetMovement:
    return BudgetMovement(
        envelope_id=r.envelope_id,
        category_id=r.category_id,
        kind=kind,
        amount=amount,
        at=at or timezone.now(),
        why="Cohorte",
        request=r,
        expense=expense,
    )
