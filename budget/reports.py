"""The programme's budget in figures, for programme management (tableau de bord budgétaire).

Every figure is an aggregate the database computes over the ledger (`BudgetMovement`) and the
requests, starting from the access scope: a constant number of queries whatever the cohort.

Each movement counts on its value date (date de valeur), the day the money moved in the
world: the sessions' date for money spent, the payment date for money paid, the day of the
approval for money committed, the day it was written for the rest (releases, corrections).
A correction counts with the kind of the row it corrects, on its own day.

Per quarter, « engagé » is the money approved during the quarter (commitments, and their
corrections), « dépensé » the sessions done, « payé » the invoices paid.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncQuarter
from django.utils import timezone

from budget.models import (
    ZERO,
    BudgetCategory,
    BudgetEnvelope,
    BudgetEnvelopeQuerySet,
    BudgetMovement,
    BudgetMovementQuerySet,
    CareRequestStatus,
    Expense,
    ExpenseQuerySet,
    MovementKind,
    SupplementaryCare,
    SupplementaryCareQuerySet,
)
from labparcours.models import User
from patients.models import Pathway

NEARLY_SPENT = Decimal("0.80")
UNSPENT_DAYS = 90
MEASURES = (MovementKind.COMMIT, MovementKind.SPEND, MovementKind.PAY)
MONEY = DecimalField(max_digits=14, decimal_places=2)
QUARTER_RE = re.compile(r"^(\d{4})-T([1-4])$")


# --- Quarters -----------------------------------------------------------------------------------


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(start: datetime.date) -> datetime.date:
    month = start.month + 3
    return datetime.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_key(start: datetime.date) -> str:
    """The quarter in a URL: « 2026-T1 »."""
    return f"{start.year}-T{(start.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> datetime.date | None:
    """The first day of the quarter written « 2026-T1 », or None."""
    match = QUARTER_RE.match(text or "")
    if not match:
        return None
    return datetime.date(int(match[1]), 3 * (int(match[2]) - 1) + 1, 1)


def recent_quarters(today: datetime.date, n: int = 6) -> list[datetime.date]:
    """The `n` quarters up to today's, oldest first."""
    starts = [quarter_start(today)]
    for _ in range(n - 1):
        first = starts[0]
        starts.insert(0, quarter_start(first - datetime.timedelta(days=1)))
    return starts


# --- Movements: their kind and value date, in SQL -----------------------------------------------


def of_kind(kind: str, prefix: str = "") -> Q:
    """Movements of a kind, and the corrections of movements of that kind."""
    return Q(**{f"{prefix}kind": kind}) | Q(
        **{f"{prefix}kind": MovementKind.CORRECTION, f"{prefix}corrects__kind": kind}
    )


def value_date() -> Case:
    """The day the money moved in the world (see the module's docstring)."""
    return Case(
        When(kind=MovementKind.PAY, expense__paid_on__isnull=False, then=F("expense__paid_on")),
        When(kind=MovementKind.SPEND, expense__isnull=False, then=F("expense__date")),
        When(
            kind=MovementKind.COMMIT,
            request__decided_at__isnull=False,
            then=TruncDate("request__decided_at"),
        ),
        default=TruncDate("at"),
        output_field=DateField(),
    )


def dated_movements(user: User) -> BudgetMovementQuerySet:
    return BudgetMovement.objects.visible_to(user).annotate(day=value_date())


def _sum_of(kind: str) -> Coalesce:
    return Coalesce(Sum("amount", filter=of_kind(kind)), Value(ZERO), output_field=MONEY)


# --- The overview -------------------------------------------------------------------------------


@dataclass
class Cell:
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    paid: Decimal = ZERO

    def add(self, other: Cell) -> None:
        self.committed += other.committed
        self.spent += other.spent
        self.paid += other.paid

    def get(self, kind: str) -> Decimal:
        return {"commit": self.committed, "spend": self.spent, "pay": self.paid}[kind]


@dataclass
class Consumption:
    """Committed, spent and paid per (category, pathway, quarter) over some quarters."""

    quarters: list[datetime.date]
    categories: list[BudgetCategory]
    cells: dict[tuple[int, str, datetime.date], Cell] = field(default_factory=dict)

    def by_quarter_and_category(self, quarter: datetime.date, category_id: int) -> Cell:
        total = Cell()
        for (cat, _pathway, q), cell in self.cells.items():
            if cat == category_id and q == quarter:
                total.add(cell)
        return total

    def by_pathway(self, pathway: str) -> Cell:
        total = Cell()
        for (_cat, path, _q), cell in self.cells.items():
            if path == pathway:
                total.add(cell)
        return total

    def by_quarter(self, quarter: datetime.date) -> Cell:
        total = Cell()
        for (_cat, _path, q), cell in self.cells.items():
            if q == quarter:
                total.add(cell)
        return total

    def total(self) -> Cell:
        total = Cell()
        for cell in self.cells.values():
            total.add(cell)
        return total


def consumption(user: User, quarters: list[datetime.date]) -> Consumption:
    """One query: the sums per category × pathway × quarter, over `quarters` (consecutive)."""
    start, end = quarters[0], next_quarter(quarters[-1])
    rows = (
        dated_movements(user)
        .filter(category__isnull=False, day__gte=start, day__lt=end)
        .annotate(quarter=TruncQuarter("day", output_field=DateField()))
        .values("category_id", "envelope__patient__pathway", "quarter")
        .annotate(
            committed=_sum_of(MovementKind.COMMIT),
            spent=_sum_of(MovementKind.SPEND),
            paid=_sum_of(MovementKind.PAY),
        )
        .order_by()
    )
    result = Consumption(quarters=quarters, categories=list(BudgetCategory.objects.all()))
    for row in rows:
        quarter = row["quarter"]
        if isinstance(quarter, datetime.datetime):  # SQLite answers a datetime
            quarter = quarter.date()
        key = (row["category_id"], row["envelope__patient__pathway"], quarter)
        result.cells[key] = Cell(row["committed"], row["spent"], row["paid"])
    return result


def current_envelopes(user: User, today: datetime.date) -> BudgetEnvelopeQuerySet:
    return BudgetEnvelope.objects.visible_to(user).filter(starts_on__lte=today, ends_on__gt=today)


def nearly_spent(user: User, today: datetime.date | None = None) -> BudgetEnvelopeQuerySet:
    """The envelopes of the current year whose committed and spent money reach 80 % of what
    was allotted, the fullest first."""
    today = today or timezone.localdate()
    return (
        current_envelopes(user, today)
        .with_balances()
        .filter(allotted__gt=0)  # type: ignore[misc]
        .annotate(used=ExpressionWrapper(F("committed") + F("spent"), output_field=MONEY))
        .filter(used__gte=F("allotted") * NEARLY_SPENT)
        .annotate(
            share=ExpressionWrapper(
                F("used") * Decimal("100.00") / F("allotted"), output_field=MONEY
            )
        )
        .select_related("patient")
        .order_by("-share", "pk")
    )


def _held() -> Subquery:
    """What a request still holds committed (commitments minus releases, corrections in)."""
    rows = (
        BudgetMovement.objects.filter(request=OuterRef("pk"))
        .filter(of_kind(MovementKind.COMMIT) | of_kind(MovementKind.RELEASE))
        .values("request")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(rows, output_field=MONEY)


def committed_unspent(
    user: User, now: datetime.datetime | None = None
) -> SupplementaryCareQuerySet:
    """Approved requests that still hold money and have had no expense for 90 days: approved
    more than 90 days ago, and no sessions done nor invoice recorded since."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=UNSPENT_DAYS)
    recent = Expense.objects.filter(request=OuterRef("pk")).filter(
        Q(date__gt=timezone.localdate(cutoff)) | Q(recorded_at__gt=cutoff)
    )
    return (
        SupplementaryCare.objects.visible_to(user)
        .filter(status=CareRequestStatus.APPROVED, decided_at__lte=cutoff)
        .filter(~Exists(recent))
        .annotate(held=Coalesce(_held(), Value(ZERO), output_field=MONEY))
        .filter(held__gt=0)
        .select_related("envelope__patient", "category", "provider__professional", "prescriber")
        .order_by("decided_at", "pk")
    )


@dataclass
class Overview:
    consumption: Consumption
    nearly_spent: list[BudgetEnvelope]
    nearly_spent_count: int
    unspent: list[SupplementaryCare]
    unspent_count: int
    unspent_total: Decimal


def overview(user: User, *, today: datetime.date | None = None, shown: int = 10) -> Overview:
    """What the overview page shows: a handful of queries, whatever the cohort."""
    today = today or timezone.localdate()
    full = nearly_spent(user, today)
    unspent = committed_unspent(user)
    unspent_sums = unspent.aggregate(n=Sum(Value(1)), total=Sum("held"))
    return Overview(
        consumption=consumption(user, recent_quarters(today)),
        nearly_spent=list(full[:shown]),
        nearly_spent_count=full.count(),
        unspent=list(unspent[:shown]),
        unspent_count=unspent_sums["n"] or 0,
        unspent_total=unspent_sums["total"] or ZERO,
    )


# --- The rows behind a figure -------------------------------------------------------------------


@dataclass(frozen=True)
class RowFilter:
    """What a figure's link asks for: ids and codes only, never a patient's data."""

    category: int | None = None
    pathway: str = ""
    quarter: datetime.date | None = None
    state: str = ""
    envelope: int | None = None
    since: datetime.date | None = None  # from this quarter on

    def query(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in (
                ("categorie", self.category),
                ("parcours", self.pathway),
                ("trimestre", quarter_key(self.quarter) if self.quarter else ""),
                ("etat", self.state),
                ("enveloppe", self.envelope),
                ("depuis", quarter_key(self.since) if self.since else ""),
            )
            if value
        }


PATHWAYS = tuple(Pathway.values)
UNSPENT_STATE = "unspent"


def _common(qs: Any, f: RowFilter, patient: str, category: str) -> Any:
    if f.category:
        qs = qs.filter(**{category: f.category})
    if f.pathway:
        qs = qs.filter(**{f"{patient}__pathway": f.pathway})
    return qs


def movement_rows(user: User, f: RowFilter) -> BudgetMovementQuerySet:
    qs = _common(dated_movements(user), f, "envelope__patient", "category_id")
    if f.quarter:
        qs = qs.filter(day__gte=f.quarter, day__lt=next_quarter(f.quarter))
    if f.since:
        qs = qs.filter(day__gte=f.since)
    if f.state:
        qs = qs.filter(of_kind(f.state))
    if f.envelope:
        qs = qs.filter(envelope_id=f.envelope)
    return qs.select_related(
        "envelope__patient", "category", "by", "corrects", "request", "expense"
    ).order_by("day", "at", "pk")


def request_rows(user: User, f: RowFilter) -> SupplementaryCareQuerySet:
    if f.state == UNSPENT_STATE:
        qs = committed_unspent(user)
    else:
        qs = SupplementaryCare.objects.visible_to(user).select_related(
            "envelope__patient", "category", "provider__professional", "prescriber"
        )
        if f.state:
            qs = qs.filter(status=f.state)
    qs = _common(qs, f, "envelope__patient", "category_id")
    if f.quarter:
        qs = qs.filter(
            requested_at__date__gte=f.quarter, requested_at__date__lt=next_quarter(f.quarter)
        )
    if f.since:
        qs = qs.filter(requested_at__date__gte=f.since)
    if f.envelope:
        qs = qs.filter(envelope_id=f.envelope)
    return qs.order_by("requested_at", "pk")


def expense_rows(user: User, f: RowFilter) -> ExpenseQuerySet:
    qs = Expense.objects.visible_to(user).select_related(
        "request__envelope__patient", "request__category", "request__provider__professional"
    )
    qs = _common(qs, f, "request__envelope__patient", "request__category_id")
    if f.quarter:
        qs = qs.filter(date__gte=f.quarter, date__lt=next_quarter(f.quarter))
    if f.since:
        qs = qs.filter(date__gte=f.since)
    if f.state:
        qs = qs.filter(status=f.state)
    if f.envelope:
        qs = qs.filter(request__envelope_id=f.envelope)
    return qs.order_by("date", "pk")
