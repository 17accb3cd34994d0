"""Builders of the indemnity pages' tests: lines as the admin adds them, a batch of them."""

from __future__ import annotations

import datetime

from django.utils import timezone

from indemnities.models import BankAccount, IndemnityLine, PaymentBatch
from indemnities.services import batch_build, item_add, lines_approve
from labparcours.models import User
from patients.models import Patient
from programme.demo_data import DEMO_IBANS
from tests.factories import indemnity_kind, indemnity_rate


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def period() -> dict[str, str]:
    """The last thirty days, as a form posts them."""
    return {"period_start": f"{days_ago(30):%Y-%m-%d}", "period_end": f"{days_ago(0):%Y-%m-%d}"}


def item_rate(amount: str = "40.00") -> None:
    indemnity_rate("team_constitution", amount)


def item_lines(
    admin: User, user: User, n: int = 1, patient: Patient | None = None
) -> list[IndemnityLine]:
    """`n` items « constitution de l'équipe » of the professional of `user`, done three days
    ago (a rate must be in force: `item_rate`)."""
    kind = indemnity_kind("team_constitution")
    return [
        item_add(
            professional=user.professional,
            kind=kind,
            worked_on=days_ago(3),
            why="Équipe constituée",
            by=admin,
            patient=patient,
        )
        for _ in range(n)
    ]


def with_bank_account(user: User, iban: str = DEMO_IBANS[0]) -> BankAccount:
    account, _ = BankAccount.objects.get_or_create(
        professional=user.professional, defaults={"holder": str(user.professional), "iban": iban}
    )
    return account


def batch_of(admin: User, *users: User) -> PaymentBatch:
    """A batch paying the approved lines of the last thirty days of `users`."""
    for user in users:
        with_bank_account(user)
    lines_approve(lines=IndemnityLine.objects.filter(professional__user__in=users), by=admin)
    return batch_build(
        period_start=days_ago(30),
        period_end=days_ago(0),
        execution_date=days_ago(0),
        by=admin,
    )
