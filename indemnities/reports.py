"""The admin's reports of indemnities for a period: per professional, per kind, per patient,
per month and per profession. Each is one aggregate query over the ledger, whatever the number
of lines; cancelled lines (a reversal and the line it cancels) count for nothing, corrections
of paid lines count with their sign."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from indemnities.models import ZERO, IndemnityKind, IndemnityLine, IndemnityLineQuerySet, LineState
from patients.models import Patient
from teams.models import Profession


def period_lines(
    start: datetime.date, end: datetime.date, profession: str = ""
) -> IndemnityLineQuerySet:
    """The lines of work done in the period that count: every state but cancelled; those of
    one profession when it is given."""
    lines = (
        IndemnityLine.objects.with_state()
        .filter(worked_on__range=(start, end))
        .exclude(state=LineState.CANCELLED)
    )
    return lines.filter(professional__profession=profession) if profession else lines


@dataclass
class ProfessionalRow:
    professional_id: int
    name: str
    profession: str
    rpps: str
    counts: dict[str, int] = field(default_factory=dict)  # per kind code
    total: Decimal = ZERO
    paid: Decimal = ZERO

    labels: dict[str, str] = field(default_factory=dict)  # per kind code

    @property
    def work(self) -> list[tuple[str, int]]:
        """What they did, kind by kind (those done at least once), in the kinds' order."""
        return [(self.labels[code], n) for code, n in self.counts.items() if n]

    @property
    def profession_label(self) -> str:
        return str(dict(Profession.choices).get(self.profession, self.profession))


def by_professional(
    start: datetime.date,
    end: datetime.date,
    profession: str = "",
    kinds: Iterable[IndemnityKind] | None = None,
) -> list[ProfessionalRow]:
    """Per professional: their name, profession and RPPS, the count of lines of each kind,
    the total and what of it is paid. Two queries: the kinds, and one aggregate."""
    kinds = list(kinds if kinds is not None else IndemnityKind.objects.all())
    per_kind: dict[str, Any] = {
        f"n_{kind.pk}": Count("pk", filter=Q(kind=kind, entry__in=["accrual", "item"]))
        for kind in kinds
    }
    rows = (
        period_lines(start, end, profession)
        .values(
            "professional",
            "professional__last_name",
            "professional__first_name",
            "professional__profession",
            "professional__rpps",
        )
        .annotate(
            **per_kind,
            total=Sum("amount"),
            paid_total=Sum("amount", filter=Q(state=LineState.PAID)),
        )
        .order_by("professional__last_name", "professional__first_name", "professional")
    )
    return [
        ProfessionalRow(
            professional_id=row["professional"],
            name=f"{row['professional__last_name']} {row['professional__first_name']}",
            profession=row["professional__profession"],
            rpps=row["professional__rpps"],
            counts={kind.code: row[f"n_{kind.pk}"] for kind in kinds},
            labels={kind.code: kind.label for kind in kinds},
            total=row["total"] or ZERO,
            paid=row["paid_total"] or ZERO,
        )
        for row in rows
    ]


def by_kind(start: datetime.date, end: datetime.date, profession: str = "") -> list[dict[str, Any]]:
    return list(
        period_lines(start, end, profession)
        .values("kind__code", "kind__label")
        .annotate(count=Count("pk", filter=Q(entry__in=["accrual", "item"])), total=Sum("amount"))
        .order_by("kind__position", "kind__label")
    )


def by_patient(
    start: datetime.date, end: datetime.date, profession: str = ""
) -> list[dict[str, Any]]:
    """Per patient, by initials (the caller logs the read of those patients): lines, total."""
    rows = (
        period_lines(start, end, profession)
        .filter(patient__isnull=False)
        .values("patient", "patient__first_name", "patient__last_name")
        .annotate(count=Count("pk", filter=Q(entry__in=["accrual", "item"])), total=Sum("amount"))
        .order_by("-total", "patient")
    )
    return [
        {
            "patient": row["patient"],
            "initials": Patient(
                first_name=row["patient__first_name"], last_name=row["patient__last_name"]
            ).initials,
            "count": row["count"],
            "total": row["total"],
        }
        for row in rows
    ]


def by_month(
    start: datetime.date, end: datetime.date, profession: str = ""
) -> list[dict[str, Any]]:
    return list(
        period_lines(start, end, profession)
        .annotate(month=TruncMonth("worked_on"))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by("month")
    )


def by_profession(
    start: datetime.date, end: datetime.date, profession: str = ""
) -> list[dict[str, Any]]:
    return list(
        period_lines(start, end, profession)
        .values("professional__profession")
        .annotate(total=Sum("amount"))
        .order_by("-total")
    )
