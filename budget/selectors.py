"""Reads of the budget, each starting from the access scope (`Patient.objects.visible_to`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from budget.models import (
    ZERO,
    BudgetEnvelope,
    BudgetEnvelopeQuerySet,
    BudgetMovement,
    BudgetMovementQuerySet,
    Expense,
    ExpenseQuerySet,
    SupplementaryCare,
    SupplementaryCareQuerySet,
)
from careplans.models import Action, ActionQuerySet, PlanStatus
from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest
from labparcours.models import User
from patients.models import Patient, PatientStatus


def visible_envelopes(user: User) -> BudgetEnvelopeQuerySet:
    """The envelopes of the patients `user` sees, with their balances."""
    return BudgetEnvelope.objects.visible_to(user).with_balances().select_related("patient", "rate")


def actions_to_serve(patient: Patient) -> ActionQuerySet:
    """The care-plan actions a prescription for `patient` (admitted by the scope) may serve:
    those of the plan in force or of the version in the making, never of a superseded
    version. The page's form offers these and the API accepts only these."""
    return Action.objects.filter(plan__patient=patient).exclude(plan__status=PlanStatus.SUPERSEDED)


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


# --- What the pages show ------------------------------------------------------------------------


def with_sessions_done(requests: SupplementaryCareQuerySet) -> SupplementaryCareQuerySet:
    """Each request with `sessions_done` and `amount_spent`, summed from its expenses."""
    return requests.annotate(
        sessions_done=Coalesce(Sum("expenses__sessions"), Value(0)),
        amount_spent=Coalesce(
            Sum("expenses__amount"),
            Value(ZERO),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
    )


@dataclass
class PatientBudget:
    """A patient's envelope of the current programme year, as the patient page shows it: the
    balances summed by the database, the year's requests and expenses."""

    envelope: BudgetEnvelope
    requests: list[SupplementaryCare]
    expenses: list[Expense]

    def _share(self, amount: Decimal) -> int:
        allotted: Decimal = self.envelope.allotted  # type: ignore[attr-defined]
        if allotted <= 0:
            return 0
        return max(0, min(100, round(amount * 100 / allotted)))

    @property
    def spent_share(self) -> int:
        """The part of the allotted amount spent, in percent (for the bar)."""
        return self._share(self.envelope.spent)  # type: ignore[attr-defined]

    @property
    def committed_share(self) -> int:
        """The part committed (approved, not yet spent), in percent, after the spent part."""
        used = self.envelope.spent + self.envelope.committed  # type: ignore[attr-defined]
        return max(0, self._share(used) - self.spent_share)


def patient_budget(patient: Patient, on: datetime.date | None = None) -> PatientBudget | None:
    """The patient's envelope of the year `on` falls in (today), with its balances, its
    requests and their expenses, in four queries whatever their number; None before the
    envelope is open.
    The caller has fetched `patient` through the scope."""
    on = on or timezone.localdate()
    envelope = (
        BudgetEnvelope.objects.filter(patient=patient, starts_on__lte=on, ends_on__gt=on)
        .order_by("year")
        .first()
    )
    if envelope is None:
        return None
    envelope.read_balances()
    requests = list(
        with_sessions_done(
            SupplementaryCare.objects.filter(envelope=envelope).select_related(
                "category", "provider__professional", "prescriber", "action"
            )
        ).order_by("-requested_at", "-pk")
    )
    expenses = list(
        Expense.objects.filter(request__envelope=envelope)
        .select_related("request__category", "request__provider__professional")
        .order_by("-date", "-pk")
    )
    return PatientBudget(envelope=envelope, requests=requests, expenses=expenses)


def waiting_requests(user: User) -> SupplementaryCareQuerySet:
    """The requests waiting for a decision, across the patients `user` sees and who are still
    in the programme, oldest first."""
    return (
        visible_requests(user)
        .waiting()
        .filter(envelope__patient__status=PatientStatus.INCLUDED)
        .order_by("requested_at", "pk")
    )


def remaining_by_envelope(user: User, envelope_ids: Iterable[int]) -> dict[int, Decimal]:
    """What is left on each of these envelopes, in one query."""
    rows = visible_envelopes(user).filter(pk__in=list(envelope_ids))
    return {e.pk: e.remaining for e in rows}  # type: ignore[attr-defined]


def access_request(
    request: AuthenticatedHttpRequest, pk: int | str, *, what: str
) -> SupplementaryCare:
    """A supplementary-care request of a patient `request.user` sees (the read is logged),
    else 404."""
    try:
        care = visible_requests(request.user).get(pk=pk)
    except (SupplementaryCare.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, care.envelope.patient, what)
    return care


def access_expense(request: AuthenticatedHttpRequest, pk: int | str, *, what: str) -> Expense:
    """An expense of a patient `request.user` sees (the read is logged), else 404."""
    try:
        expense = visible_expenses(request.user).get(pk=pk)
    except (Expense.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, expense.request.envelope.patient, what)
    return expense
