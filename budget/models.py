"""Supplementary-care envelopes (enveloppes de soins complémentaires): each patient's money for
the care social security does not pay, from the prescription to the paid invoice.

The money lives in a ledger (`BudgetMovement`): append-only rows, never edited nor deleted; a
mistake is corrected by a new row. Balances are sums the database computes
(`BudgetEnvelope.objects.with_balances()`), never counters kept on a row.
"""

from __future__ import annotations

import datetime
import functools
import operator
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.fr import siret as stdnum_siret

from labparcours.errors import DomainError, InvalidTransition
from labparcours.ledger import AppendOnlyModel, AppendOnlyQuerySet
from labparcours.models import User
from labparcours.uploads import GeneratedName, private_storage
from patients.models import Pathway, Patient

ZERO = Decimal("0.00")
CENTS = Decimal("0.01")


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    """Euros, two places."""
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, **kwargs)


class Overdraft(DomainError):
    """The approval or the expense would take the envelope or a category's ceiling below zero."""

    code = "overdraft"

    def __init__(
        self, message: str, *, left: Decimal | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.left = left  # what is left of the limit that refused it (envelope, ceiling, request)


# --- What the admin sets --------------------------------------------------------------------------


class BudgetRateQuerySet(models.QuerySet["BudgetRate"]):
    def in_force(self, pathway: str, on: datetime.date) -> BudgetRateQuerySet:
        return self.filter(pathway=pathway, valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class BudgetRate(models.Model):
    """The yearly amount of a patient's envelope on a pathway (forfait annuel par parcours),
    set by the admin with its validity dates. A change applies to the envelopes opened after
    it: an envelope freezes the amount in force on its first day."""

    pathway = models.CharField(_("pathway"), max_length=10, choices=Pathway.choices)
    amount = money_field(_("yearly amount (€)"), validators=[MinValueValidator(ZERO)])
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    objects = BudgetRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget rate")
        verbose_name_plural = _("budget rates")
        ordering = ("pathway", "-valid_from")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["pathway", "valid_from"], name="budgetrate_one_start_per_pathway"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="budgetrate_ends_after_start",
                violation_error_message=_("A rate ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="budgetrate_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_pathway_display()} — {self.amount} € ({self.valid_from})"

    def clean(self) -> None:
        # Overlaps are checked here: an exclusion constraint would need btree_gist, and
        # SQLite (development) has none. Rates are written by the admin only, rarely.
        if not self.pathway or not self.valid_from:
            return
        end = self.valid_to or datetime.date.max
        overlapping = (
            BudgetRate.objects.filter(pathway=self.pathway, valid_from__lte=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
            .exclude(pk=self.pk)
        )
        if overlapping.exists():
            raise ValidationError(
                gettext("Another rate of this pathway is valid during these dates.")
            )


class BudgetCategory(models.Model):
    """A kind of supplementary care (catégorie de soins complémentaires), managed by the
    admin, with an optional ceiling per patient and programme year."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    yearly_ceiling = money_field(
        _("yearly ceiling per patient (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("care category")
        verbose_name_plural = _("care categories")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


# --- The envelope and its balances ------------------------------------------------------------


def _kind_sum(kind: str) -> Coalesce:
    """The sum of one kind of movement, with the corrections of movements of that kind."""
    condition = Q(movements__kind=kind) | Q(
        movements__kind=MovementKind.CORRECTION, movements__corrects__kind=kind
    )
    return Coalesce(
        Sum("movements__amount", filter=condition),
        Value(ZERO),
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
    )


class BudgetEnvelopeQuerySet(models.QuerySet["BudgetEnvelope"]):
    def with_balances(self) -> BudgetEnvelopeQuerySet:
        """Each envelope with `allotted`, `committed` (approved, not yet spent), `spent`,
        `paid` and `remaining` (allotted − committed − spent), summed by the database."""
        sums = {
            name: functools.reduce(operator.add, (_kind_sum(kind) for kind in kinds))
            for name, kinds in BALANCE_KINDS.items()
        }
        return self.annotate(**sums).annotate(remaining=F("allotted") - F("committed") - F("spent"))

    def visible_to(self, user: User) -> BudgetEnvelopeQuerySet:
        return self.filter(patient__in=Patient.objects.visible_to(user))


class BudgetEnvelope(models.Model):
    """A patient's envelope for one programme year (enveloppe annuelle): year 1 starts at
    inclusion, each next one on the anniversary. Its amount is frozen from the rate in force
    on its first day; the money itself is in the ledger."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="budget_envelopes")
    year = models.PositiveSmallIntegerField(_("programme year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    amount = money_field(_("amount allotted at opening (€)"))
    rate = models.ForeignKey(
        BudgetRate, on_delete=models.PROTECT, null=True, blank=True, related_name="envelopes"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    history = HistoricalRecords()
    objects = BudgetEnvelopeQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget envelope")
        verbose_name_plural = _("budget envelopes")
        ordering = ("patient", "year")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["patient", "year"], name="envelope_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1), name="envelope_year_from_one"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="envelope_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="envelope_amount_positive"),
        ]

    def __str__(self) -> str:
        return gettext("Envelope of %(patient)s, year %(year)s") % {
            "patient": self.patient.initials,
            "year": self.year,
        }

    def read_balances(self) -> None:
        """Set on this envelope the balances `with_balances` annotates, from its movements
        summed by the database per kind (and kind corrected) in one grouped query: for one
        envelope, many times cheaper to build than the annotations' filtered sums."""
        by_kind: dict[str, Decimal] = {}
        sums = (
            self.movements.order_by()
            .values_list("kind", "corrects__kind")
            .annotate(total=Sum("amount"))
        )
        for kind, corrected, total in sums:
            counted = corrected if kind == MovementKind.CORRECTION else kind
            by_kind[counted] = by_kind.get(counted, ZERO) + total
        balances = {
            name: sum((by_kind.get(kind, ZERO) for kind in kinds), ZERO)
            for name, kinds in BALANCE_KINDS.items()
        }
        balances["remaining"] = balances["allotted"] - balances["committed"] - balances["spent"]
        for name, value in balances.items():
            setattr(self, name, value)

    def category_used(self, category: BudgetCategory) -> Decimal:
        """What the category has taken of this envelope: committed and spent, corrections
        included."""
        kinds = [MovementKind.COMMIT, MovementKind.RELEASE, MovementKind.SPEND]
        used = (
            BudgetMovement.objects.filter(envelope=self, category=category)
            .filter(Q(kind__in=kinds) | Q(kind=MovementKind.CORRECTION, corrects__kind__in=kinds))
            .aggregate(total=Sum("amount"))["total"]
        )
        return used or ZERO


# --- Providers ----------------------------------------------------------------------------------


class ProviderKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional of the directory")
    ASSOCIATION = "association", _("Association")
    ETP_PROGRAMME = "etp_programme", _("Therapeutic education programme")
    OTHER_ORGANISATION = "organisation", _("Other organisation")


def validate_siret(value: str) -> None:
    if not stdnum_siret.is_valid(value):
        raise ValidationError(gettext("This SIRET number is not valid (14 digits, checked)."))


class CareProvider(models.Model):
    """Who gives the supplementary care (prestataire): a professional of the directory, or an
    organisation (association, ETP programme) known by its SIRET."""

    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    professional = models.ForeignKey(
        "teams.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_providers",
    )
    name = models.CharField(_("organisation name"), max_length=150, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    city = models.CharField(_("city"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("care provider")
        verbose_name_plural = _("care providers")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(kind="professional", professional__isnull=False, siret="")
                    | (~Q(kind="professional") & Q(professional__isnull=True) & ~Q(siret=""))
                ),
                name="careprovider_professional_or_siret",
                violation_error_message=_(
                    "A provider is either a professional of the directory or an organisation "
                    "with its SIRET."
                ),
            ),
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="careprovider_unique_siret"
            ),
        ]

    def __str__(self) -> str:
        return str(self.professional) if self.professional_id else self.name

    @property
    def label(self) -> str:
        """As a prescriber knows them: the professional and their profession, or the
        organisation and its kind."""
        if self.professional is not None:
            return f"{self.professional} — {self.professional.get_profession_display()}"
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def city_shown(self) -> str:
        return (self.professional.city if self.professional is not None else self.city) or ""

    def clean_fields(self, exclude: Any = None) -> None:
        # Written as printed on an invoice ("732 829 320 00074"), stored as 14 digits.
        self.siret = stdnum_siret.compact(self.siret or "")
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        if self.kind != ProviderKind.PROFESSIONAL and not self.name.strip():
            raise ValidationError({"name": gettext("Give the organisation's name.")})


# --- Requests and expenses ------------------------------------------------------------------


class CareRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the coordinator")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class SupplementaryCareQuerySet(models.QuerySet["SupplementaryCare"]):
    def visible_to(self, user: User) -> SupplementaryCareQuerySet:
        return self.filter(envelope__patient__in=Patient.objects.visible_to(user))

    def waiting(self) -> SupplementaryCareQuerySet:
        return self.filter(status=CareRequestStatus.REQUESTED)


class SupplementaryCare(models.Model):
    """A prescription of supplementary care (demande de soins complémentaires): N sessions of
    a category with a provider at a unit price, for the care-plan action it serves. The
    coordinator approves it (the amount is committed) or refuses it (with a reason)."""

    envelope = models.ForeignKey(BudgetEnvelope, on_delete=models.PROTECT, related_name="requests")
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(CareProvider, on_delete=models.PROTECT, related_name="requests")
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    unit_price = money_field(_("price per session (€)"))
    action = models.ForeignKey(
        "careplans.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplementary_care",
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CareRequestStatus.choices,
        default=CareRequestStatus.REQUESTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason of the refusal"), blank=True)

    history = HistoricalRecords()
    objects = SupplementaryCareQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplementary care request")
        verbose_name_plural = _("supplementary care requests")
        ordering = ("requested_at",)
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(sessions__gte=1), name="care_sessions_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="care_unit_price_positive"),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="care_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="requested")
                | Q(decided_at__isnull=False, decided_by__isnull=False)
                | Q(status="expired"),
                name="care_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(sessions)s × %(category)s") % {
            "sessions": self.sessions,
            "category": self.category,
        }

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.sessions).quantize(CENTS)

    def _decide(self, status: str, by: User | None, *, allowed: set[str]) -> None:
        if self.status not in allowed:
            raise InvalidTransition(
                gettext("This request is %(status)s: it cannot change any more.")
                % {"status": self.get_status_display().lower()}
            )
        self.status = status
        self.decided_by = by
        self.decided_at = timezone.now()


class ExpenseStatus(models.TextChoices):
    TO_PAY = "to_pay", _("To pay")
    PAID = "paid", _("Paid")


class ExpenseQuerySet(models.QuerySet["Expense"]):
    def visible_to(self, user: User) -> ExpenseQuerySet:
        return self.filter(request__envelope__patient__in=Patient.objects.visible_to(user))


class Expense(models.Model):
    """Sessions done and invoiced by the provider (dépense), within what was approved for
    the request; paid by the programme's admin."""

    request = models.ForeignKey(
        SupplementaryCare, on_delete=models.PROTECT, related_name="expenses"
    )
    sessions = models.PositiveSmallIntegerField(_("sessions done"))
    date = models.DateField(_("date"))
    amount = money_field(_("amount (€)"))
    invoice = models.FileField(
        _("invoice"),
        upload_to=GeneratedName("budget/invoices"),
        storage=private_storage,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.TO_PAY
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ExpenseQuerySet.as_manager()

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ("date", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="to_pay")
                | Q(paid_on__isnull=False, paid_by__isnull=False) & ~Q(payment_reference=""),
                name="expense_paid_has_date_and_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} — {self.amount} €"

    def invoice_filename(self) -> str:
        return f"facture-{self.pk}"


# --- The ledger ---------------------------------------------------------------------------------


class MovementKind(models.TextChoices):
    ALLOT = "allot", _("Allotted")
    COMMIT = "commit", _("Committed")
    RELEASE = "release", _("Released")
    SPEND = "spend", _("Spent")
    PAY = "pay", _("Paid")
    CORRECTION = "correction", _("Correction")


# The balances of an envelope: the kinds of movement each one sums (with their corrections).
BALANCE_KINDS: dict[str, tuple[str, ...]] = {
    "allotted": (MovementKind.ALLOT,),
    "committed": (MovementKind.COMMIT, MovementKind.RELEASE),  # approved, not yet spent
    "spent": (MovementKind.SPEND,),
    "paid": (MovementKind.PAY,),
}


class BudgetMovementQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: User) -> BudgetMovementQuerySet:
        return self.filter(envelope__patient__in=Patient.objects.visible_to(user))


class BudgetMovement(AppendOnlyModel):
    """One row of an envelope's ledger (mouvement): money allotted, committed by an approval,
    released, spent, paid, or a correction of an earlier row. Append-only: never changed nor
    deleted; a correction carries the signed difference and points at the row it corrects.

    Signs: allot, commit, spend and pay are positive, release negative, a correction either.
    """

    envelope = models.ForeignKey(BudgetEnvelope, on_delete=models.PROTECT, related_name="movements")
    category = models.ForeignKey(
        BudgetCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    amount = money_field(_("amount (€)"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    why = models.CharField(_("why"), max_length=300)
    request = models.ForeignKey(
        SupplementaryCare,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )
    expense = models.ForeignKey(
        Expense, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    objects = BudgetMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget movement")
        verbose_name_plural = _("budget movements")
        ordering = ("at", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=MovementKind.values), name="movement_known_kind"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="movement_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=["allot", "commit", "spend", "pay"], amount__gt=0)
                | Q(kind="release", amount__lt=0)
                | Q(kind="correction"),
                name="movement_sign_of_its_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="correction") | Q(corrects__isnull=False),
                name="movement_correction_points_at_a_row",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["allot", "correction"]) | Q(category__isnull=False),
                name="movement_care_has_category",
            ),
            models.CheckConstraint(condition=~Q(why=""), name="movement_says_why"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} €"
