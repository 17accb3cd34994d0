"""What the budget's page tests share."""

from __future__ import annotations

from budget.models import BudgetEnvelope
from budget.services import envelope_open
from patients.models import Patient
from tests.factories import budget_rate


def envelopes_of(*patients: Patient, amount: str = "2000.00") -> list[BudgetEnvelope]:
    """Year-1 envelopes of `amount` for these patients, on one rate per pathway."""
    for pathway in {p.pathway for p in patients}:
        first = min(p.inclusion_date for p in patients if p.pathway == pathway)
        budget_rate(pathway, amount, first)
    return [envelope_open(patient=p, year=1) for p in patients]
