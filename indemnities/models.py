"""Indemnities (indemnisations) of liberal professionals for the work the SIC asks of them.

What a professional is owed lives in a ledger (`IndemnityLine`): one line per piece of work
(a contribution submitted, an attendance at a held SIC, an item the admin adds), frozen at the
rate in force that day, never edited nor deleted; undoing the work appends a reversing line.
A line's progress is recorded by rows of its own, never by changing the line: an approval
(`LineApproval`), then its place in a payment batch (`BatchLine`, at most one per line — a
database constraint), paid when the batch is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from simple_history.models import HistoricalRecords

from labparcours.errors import DomainError
from labparcours.ledger import AppendOnlyModel, AppendOnlyQuerySet
from labparcours.models import User
from patients.models import Patient
from sic.models import Attendance, Contribution, ContributionKind, Sic
from teams.models import Profession, Professional

ZERO = Decimal("0.00")


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    """Euros, two places."""
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, **kwargs)


class BatchConflict(DomainError):
    """Two payment batches reached for the same lines at once: the second one is refused."""

    code = "batch_conflict"


# --- Bank details ---------------------------------------------------------------------------------

IBAN_MESSAGES = {
    iban_errors.InvalidLength: _("This IBAN has the wrong number of characters for its country."),
    iban_errors.InvalidChecksumDigits: _(
        "This IBAN's check digits do not match: a character was probably mistyped."
    ),
    iban_errors.InvalidCountryCode: _("This IBAN does not start with a known country code."),
    iban_errors.InvalidStructure: _("This IBAN does not have the layout of its country's IBANs."),
    iban_errors.InvalidBBANChecksum: _(
        "This IBAN's national check key (clé RIB) does not match: a character was probably "
        "mistyped."
    ),
}


def normalise_account_code(value: str) -> str:
    return "".join(value.split()).upper()


def validate_iban(value: str) -> None:
    """A valid IBAN (length, check digits, national key) of the SEPA zone."""
    try:
        iban = IBAN(normalise_account_code(value), validate_bban=True)
    except iban_errors.SchwiftyException as error:
        message = IBAN_MESSAGES.get(type(error), _("This IBAN is not valid."))
        raise ValidationError(message, code="invalid_iban") from error
    if not iban.in_sepa_zone:
        raise ValidationError(
            _("Transfers go to accounts of the SEPA zone only."), code="iban_outside_sepa"
        )


def validate_bic(value: str) -> None:
    try:
        BIC(normalise_account_code(value))
    except iban_errors.SchwiftyException as error:
        raise ValidationError(
            _("This BIC is not valid: 8 or 11 characters, such as BNPAFRPP."), code="invalid_bic"
        ) from error


class BankAccount(models.Model):
    """The account a liberal professional is paid on (coordonnées bancaires): IBAN, BIC and
    holder. Shown in full to the admin and to the professional only; every change is kept in
    the history and told to the professional."""

    professional = models.OneToOneField(
        Professional, on_delete=models.PROTECT, related_name="bank_account"
    )
    holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("bank details")
        verbose_name_plural = _("bank details")

    def __str__(self) -> str:
        return f"{self.holder} — {self.masked_iban}"

    def clean_fields(self, exclude: Any = None) -> None:
        self.iban = normalise_account_code(self.iban)
        self.bic = normalise_account_code(self.bic)
        super().clean_fields(exclude)

    @property
    def formatted_iban(self) -> str:
        return IBAN(self.iban, allow_invalid=True).formatted

    @property
    def masked_iban(self) -> str:
        """The country, the check digits and the last three characters: enough to recognise
        the account, not to use it."""
        return f"{self.iban[:4]} •••• •••• {self.iban[-3:]}" if self.iban else ""


# --- What the admin sets --------------------------------------------------------------------------


class IndemnitySource(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution submitted")
    ATTENDANCE = "attendance", _("Attendance at a held SIC")
    OTHER = "other", _("Item added by the admin")


class IndemnityKind(models.Model):
    """A kind of work the programme pays for (nature de l'indemnité): each contribution kind,
    attendance at a SIC, and items the admin adds (team constitution, first inclusion…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=120)
    source = models.CharField(_("accrues on"), max_length=20, choices=IndemnitySource.choices)
    contribution_kind = models.CharField(
        _("contribution kind"),
        max_length=30,
        choices=ContributionKind.choices,
        blank=True,
        help_text=_("For the kinds that accrue on a submitted contribution."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("kind of indemnity")
        verbose_name_plural = _("kinds of indemnity")
        ordering = ("position", "label")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["contribution_kind"],
                condition=Q(source="contribution"),
                name="indemnity_kind_one_per_contribution_kind",
            ),
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(source="attendance"),
                name="indemnity_kind_one_for_attendance",
            ),
            models.CheckConstraint(
                condition=Q(source="contribution", contribution_kind__gt="")
                | (~Q(source="contribution") & Q(contribution_kind="")),
                name="indemnity_kind_contribution_kind_iff_contribution",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class IndemnityRateQuerySet(models.QuerySet["IndemnityRate"]):
    def in_force(self, kind: IndemnityKind, profession: str, on: datetime.date) -> IndemnityRate:
        """The rate of `kind` on the day `on`: the one set for `profession` when there is one,
        else the one for every profession. Raises `IndemnityRate.DoesNotExist`."""
        rate = (
            self.filter(kind=kind, profession__in=[profession, ""], valid_from__lte=on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
            .order_by("-profession")  # the profession's own rate before the general one
            .first()
        )
        if rate is None:
            raise IndemnityRate.DoesNotExist
        return rate


class IndemnityRate(models.Model):
    """What one piece of work of a kind pays (tarif), for a profession or for all, between two
    days. A new rate applies to the work done from its first day; what accrued stays."""

    kind = models.ForeignKey(
        IndemnityKind,
        on_delete=models.PROTECT,
        related_name="rates",
        verbose_name=_("kind of work"),
    )
    profession = models.CharField(
        _("profession"),
        max_length=30,
        choices=Profession.choices,
        blank=True,
        help_text=_("Leave empty for every profession."),
    )
    amount = money_field(_("amount (€)"), validators=[MinValueValidator(Decimal("0.01"))])
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = IndemnityRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("indemnity rate")
        verbose_name_plural = _("indemnity rates")
        ordering = ("kind", "profession", "-valid_from")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="indemnity_rate_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="indemnity_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} €"

    def clean(self) -> None:
        overlapping = IndemnityRate.objects.filter(
            kind_id=self.kind_id, profession=self.profession
        ).exclude(pk=self.pk)
        if self.valid_until:
            overlapping = overlapping.filter(valid_from__lte=self.valid_until)
        overlapping = overlapping.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from)
        )
        if self.valid_from and overlapping.exists():
            raise ValidationError(
                gettext("Another rate of this kind and profession is in force on these days.")
            )


# --- The ledger -----------------------------------------------------------------------------------


class LineEntry(models.TextChoices):
    ACCRUAL = "accrual", _("Accrued")
    REVERSAL = "reversal", _("Reversal")
    ITEM = "item", _("Item added by the admin")


class LineState(models.TextChoices):
    ACCRUED = "accrued", _("To approve")
    APPROVED = "approved", pgettext_lazy("indemnity line", "Approved")
    BATCHED = "batched", _("In a payment batch")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class IndemnityLineQuerySet(AppendOnlyQuerySet):
    def of_professional(self, user: User) -> IndemnityLineQuerySet:
        return self.filter(professional__user=user)

    def with_state(self) -> IndemnityLineQuerySet:
        """Each line annotated with `state`, from the rows that record its progress.

        A reversed line that no batch holds, and a reversal of such a line, are cancelled:
        neither is paid. A reversal of a line already in a batch is a correction to pay (a
        negative amount) in a later batch."""
        in_batch = BatchLine.objects.filter(line=OuterRef("pk"))
        in_paid_batch = in_batch.filter(batch__paid_on__isnull=False)
        approved = LineApproval.objects.filter(line=OuterRef("pk"))
        reversed_unbatched = IndemnityLine.objects.filter(reverses=OuterRef("pk")).exclude(
            Exists(BatchLine.objects.filter(line=OuterRef("reverses")))
        )
        reverses_unbatched = Q(entry=LineEntry.REVERSAL) & ~Exists(
            BatchLine.objects.filter(line=OuterRef("reverses"))
        )
        return self.annotate(
            state=models.Case(
                models.When(Exists(in_paid_batch), then=models.Value(LineState.PAID.value)),
                models.When(Exists(in_batch), then=models.Value(LineState.BATCHED.value)),
                models.When(
                    Exists(reversed_unbatched) | reverses_unbatched,
                    then=models.Value(LineState.CANCELLED.value),
                ),
                models.When(Exists(approved), then=models.Value(LineState.APPROVED.value)),
                default=models.Value(LineState.ACCRUED.value),
                output_field=models.CharField(),
            )
        )

    def payable(self) -> IndemnityLineQuerySet:
        """The lines the next batch may pay: the same as `in_state(APPROVED)` (approved, in no
        batch, nothing cancelling them), written as filters the database runs as semi-joins
        over a whole year of lines at once."""
        original_batched = BatchLine.objects.filter(line=OuterRef("reverses"))
        return (
            self.filter(Exists(LineApproval.objects.filter(line=OuterRef("pk"))))
            .exclude(Exists(BatchLine.objects.filter(line=OuterRef("pk"))))
            .exclude(Exists(IndemnityLine.objects.filter(reverses=OuterRef("pk"))))
            .exclude(Q(entry=LineEntry.REVERSAL) & ~Exists(original_batched))
        )

    def in_state(self, *states: str) -> IndemnityLineQuerySet:
        return self.with_state().filter(state__in=states)


class IndemnityLine(AppendOnlyModel):
    """One amount owed to a professional (ligne d'indemnité), for one piece of work, at the rate
    in force the day it was done; or the reversal of such a line, when the work is undone.

    At most one accrual per source (a contribution, an attendance), and at most one reversal of
    any line: database constraints, so that a retry or a double click never pays twice."""

    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="indemnity_lines"
    )
    kind = models.ForeignKey(IndemnityKind, on_delete=models.PROTECT, related_name="lines")
    entry = models.CharField(_("entry"), max_length=10, choices=LineEntry.choices)
    amount = money_field(_("amount (€)"))
    rate = models.ForeignKey(
        IndemnityRate, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    worked_on = models.DateField(_("work done on"))
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="indemnity_lines"
    )
    sic = models.ForeignKey(
        Sic, on_delete=models.PROTECT, null=True, blank=True, related_name="indemnity_lines"
    )
    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance = models.ForeignKey(
        Attendance, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    why = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = IndemnityLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("indemnity line")
        verbose_name_plural = _("indemnity lines")
        ordering = ("worked_on", "pk")
        indexes: ClassVar = [models.Index(fields=["professional", "worked_on"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["contribution"],
                condition=Q(entry="accrual", contribution__isnull=False),
                name="indemnity_one_accrual_per_contribution",
            ),
            models.UniqueConstraint(
                fields=["attendance"],
                condition=Q(entry="accrual", attendance__isnull=False),
                name="indemnity_one_accrual_per_attendance",
            ),
            models.CheckConstraint(
                condition=Q(entry__in=["accrual", "item"], amount__gt=0, reverses__isnull=True)
                | Q(entry="reversal", amount__lt=0, reverses__isnull=False),
                name="indemnity_line_sign_of_its_entry",
            ),
            models.CheckConstraint(
                condition=~Q(entry="accrual")
                | Q(contribution__isnull=False, attendance__isnull=True)
                | Q(contribution__isnull=True, attendance__isnull=False),
                name="indemnity_accrual_has_one_source",
            ),
            models.CheckConstraint(
                condition=~Q(entry__in=["reversal", "item"]) | ~Q(why=""),
                name="indemnity_line_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} — {self.professional} — {self.amount} €"


class LineApproval(AppendOnlyModel):
    """An admin's approval of a line (validation): the line may enter a payment batch."""

    line = models.OneToOneField(IndemnityLine, on_delete=models.PROTECT, related_name="approval")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval of a line")
        verbose_name_plural = _("approvals of lines")

    def __str__(self) -> str:
        return f"{self.line_id} ✓ {self.at:%Y-%m-%d}"


# --- Payment batches ------------------------------------------------------------------------------


class PaymentBatchQuerySet(models.QuerySet["PaymentBatch"]):
    def with_totals(self) -> PaymentBatchQuerySet:
        return self.annotate(
            total=models.functions.Coalesce(
                models.Sum("batch_lines__line__amount"), models.Value(ZERO)
            ),
            line_count=models.Count("batch_lines"),
            professional_count=models.Count("batch_lines__line__professional", distinct=True),
        )


class PaymentBatch(models.Model):
    """A payment batch (lot de paiement): the approved lines of a period, frozen once built,
    paid by one SEPA transfer file; marked paid with the date and the bank's reference."""

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    created_at = models.DateTimeField(_("built at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    execution_date = models.DateField(_("transfer date"))
    sepa_file = models.BinaryField(_("SEPA file"), editable=False)
    sepa_sha256 = models.CharField(max_length=64, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["sepa_file"])
    objects = PaymentBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ("-created_at",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="batch_period_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True, bank_reference="")
                | Q(paid_on__isnull=False) & ~Q(bank_reference=""),
                name="batch_paid_with_a_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class BatchLine(AppendOnlyModel):
    """A line's place in a payment batch; a line enters one batch only (database constraint)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="batch_lines")
    line = models.OneToOneField(IndemnityLine, on_delete=models.PROTECT, related_name="batch_line")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("line of a batch")
        verbose_name_plural = _("lines of a batch")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line_id}"
