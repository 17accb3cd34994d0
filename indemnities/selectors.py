"""Reads of the indemnities for the pages: a professional's own ledger, the admin's lines to
approve and payment batches. Each read is a few queries whatever the number of lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404

from indemnities.models import (
    BankAccount,
    IndemnityLine,
    IndemnityLineQuerySet,
    LineState,
    PaymentBatch,
    PaymentBatchQuerySet,
)
from teams.models import Professional


def own_lines(professional: Professional) -> IndemnityLineQuerySet:
    """A professional's lines with their state, newest first."""
    return (
        IndemnityLine.objects.filter(professional=professional)
        .with_state()
        .select_related("kind", "patient", "sic")
        .order_by("-worked_on", "-pk")
    )


def own_bank_account(professional: Professional) -> BankAccount | None:
    return BankAccount.objects.filter(professional=professional).first()


def lines_to_approve() -> IndemnityLineQuerySet:
    return IndemnityLine.objects.in_state(LineState.ACCRUED)


@dataclass
class ProfessionalLines:
    """The lines to approve of one professional, on the page shown, and their totals over
    every page."""

    professional: Professional
    count: int
    total: Decimal
    lines: list[IndemnityLine] = field(default_factory=list)


def group_by_professional(
    lines: IndemnityLineQuerySet, shown: list[IndemnityLine]
) -> list[ProfessionalLines]:
    """`shown` (a page of `lines`, ordered by professional) grouped per professional, each
    group with the count and total of all its `lines`."""
    ids = {line.professional_id for line in shown}
    totals = {
        row["professional"]: row
        for row in lines.filter(professional_id__in=ids)
        .values("professional")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by()
    }
    return [
        ProfessionalLines(
            professional=group[0].professional,
            count=totals[pk]["count"],
            total=totals[pk]["total"],
            lines=group,
        )
        for pk, rows in groupby(shown, key=lambda line: line.professional_id)
        if (group := list(rows))
    ]


def ordered_for_approval(lines: IndemnityLineQuerySet) -> IndemnityLineQuerySet:
    return lines.select_related("professional", "kind", "patient", "sic").order_by(
        "professional__last_name", "professional__first_name", "professional_id", "worked_on", "pk"
    )


def batches() -> PaymentBatchQuerySet:
    """Every payment batch with its totals, newest first, without its SEPA file."""
    return PaymentBatch.objects.with_totals().defer("sepa_file")


def access_batch(pk: int) -> PaymentBatch:
    """A batch for the admin (the caller checked `can_manage`: batches are not about one
    patient, so there is no scope to look in first)."""
    return get_object_or_404(PaymentBatch, pk=pk)
