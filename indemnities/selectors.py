"""Reads of the indemnities: the admin reads every line and batch; a professional their own;
nobody else any. The pages' reads (a professional's ledger, the admin's lines to approve and
batches) start from these and are a few queries whatever the number of lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Sum
from django.shortcuts import get_object_or_404

from indemnities import rules
from indemnities.models import (
    BankAccount,
    BatchLine,
    IndemnityLine,
    IndemnityLineQuerySet,
    LineState,
    PaymentBatch,
    PaymentBatchQuerySet,
)
from labparcours.models import User
from teams.models import Professional


def visible_lines(user: User) -> IndemnityLineQuerySet:
    lines = IndemnityLine.objects.with_state().select_related("kind", "patient")
    if rules.can_manage(user):
        return lines
    return lines.filter(professional__user=user)


def visible_batches(user: User) -> PaymentBatchQuerySet:
    if rules.can_manage(user):
        return PaymentBatch.objects.all()
    own = BatchLine.objects.filter(batch=OuterRef("pk"), line__professional__user=user)
    return PaymentBatch.objects.filter(Exists(own))


def own_lines(user: User, professional: Professional) -> IndemnityLineQuerySet:
    """The lines of `professional` that `user` sees, with their state, newest first."""
    return (
        visible_lines(user)
        .filter(professional=professional)
        .select_related("sic")
        .order_by("-worked_on", "-pk")
    )


def own_statements(user: User, professional: Professional) -> PaymentBatchQuerySet:
    """The batches that pay `professional` (among those `user` sees), each with what it pays
    them (`own_total`), newest first: a statement each."""
    return (
        visible_batches(user)
        .filter(batch_lines__line__professional=professional)
        .annotate(own_total=Sum("batch_lines__line__amount"))
        .defer("sepa_file")
        .order_by("-created_at")
    )


def own_bank_account(professional: Professional) -> BankAccount | None:
    return BankAccount.objects.filter(professional=professional).first()


def lines_to_approve(user: User) -> IndemnityLineQuerySet:
    return visible_lines(user).filter(state=LineState.ACCRUED)


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


def batches(user: User) -> PaymentBatchQuerySet:
    """The batches `user` sees with their totals, newest first, without their SEPA file."""
    return visible_batches(user).with_totals().defer("sepa_file")


def access_batch(user: User, pk: int) -> PaymentBatch:
    """A batch `user` sees, or 404."""
    return get_object_or_404(visible_batches(user), pk=pk)


@dataclass
class BatchPayee:
    """What a batch pays one professional: their lines' count and total, their account."""

    professional: Professional
    count: int
    total: Decimal
    masked_iban: str


def batch_payees(batch: PaymentBatch) -> list[BatchPayee]:
    """Per professional the batch pays, in one aggregate query and one of their accounts."""
    rows = (
        IndemnityLine.objects.filter(batch_line__batch=batch)
        .values("professional")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by()
    )
    totals = {row["professional"]: row for row in rows}
    professionals = Professional.objects.filter(pk__in=totals).select_related("bank_account")
    payees = [
        BatchPayee(
            professional=pro,
            count=totals[pro.pk]["count"],
            total=totals[pro.pk]["total"],
            masked_iban=pro.bank_account.masked_iban,
        )
        for pro in professionals
    ]
    return sorted(payees, key=lambda p: (p.professional.last_name, p.professional.first_name))
