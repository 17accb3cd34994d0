"""Reads of the budget, each starting from the access scope (`Patient.objects.visible_to`)."""

from __future__ import annotations

from budget.models import (
    BudgetEnvelope,
    BudgetEnvelopeQuerySet,
    BudgetMovement,
    BudgetMovementQuerySet,
    Expense,
    ExpenseQuerySet,
    SupplementaryCare,
    SupplementaryCareQuerySet,
)
from labparcours.models import User


def visible_envelopes(user: User) -> BudgetEnvelopeQuerySet:
    """The envelopes of the patients `user` sees, with their balances."""
    return BudgetEnvelope.objects.visible_to(user).with_balances().select_related("patient", "rate")


def visible_requests(user: User) -> SupplementaryCareQuerySet:
    return SupplementaryCare.objects.visible_to(user).select_related(
        "envelope__patient", "category", "provider__professional", "prescriber"
    )


def visible_expenses(user: User) -> ExpenseQuerySet:
    return Expense.objects.visible_to(user).select_related(
        "request__envelope__patient", "request__category"
    )


def visible_movements(user: User) -> BudgetMovementQuerySet:
    return BudgetMovement.objects.visible_to(user).select_related(
        "envelope__patient", "category", "by"
    )
