"""Writes of the indemnities: one command per action, for the pages, the API and the SIC's events.

Accrual follows the SIC's single write commands (`sic.signals`, sent inside their transaction):
a line is written with the work or not at all. Lines are never changed; approval and batching are
rows of their own, and undoing work appends a reversal.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.db.models import BigIntegerField, Exists, OuterRef, Sum, Value
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from indemnities import rules
from indemnities.models import (
    ZERO,
    BankAccount,
    BatchConflict,
    BatchLine,
    IndemnityKind,
    IndemnityLine,
    IndemnityLineQuerySet,
    IndemnityRate,
    IndemnitySource,
    LineApproval,
    LineEntry,
    LineState,
    PaymentBatch,
)
from indemnities.sepa import sepa_transfer_file
from labparcours.bulk import insert_select
from labparcours.errors import DomainError, InvalidTransition
from labparcours.mail import render_text
from labparcours.models import User
from labparcours.permissions import require
from patients.models import Patient
from sic.models import Attendance, Contribution
from teams.models import PracticeMode, Professional

logger = logging.getLogger(__name__)


def _is_paid_for(professional: Professional | None) -> bool:
    """Liberal professionals accrue; salaried and hospital ones are paid by their employer."""
    return professional is not None and professional.practice_mode == PracticeMode.LIBERAL


def _rate(kind: IndemnityKind, professional: Professional, on: datetime.date) -> IndemnityRate:
    try:
        return IndemnityRate.objects.in_force(kind, professional.profession, on)
    except IndemnityRate.DoesNotExist:
        raise DomainError(
            _("No rate of « %(kind)s » is in force on %(day)s.") % {"kind": kind, "day": on}
        ) from None


def _accrue(
    *, kind: IndemnityKind, professional: Professional, worked_on: datetime.date, **source: object
) -> IndemnityLine | None:
    """The accrual of one piece of work; none when no rate is in force (the programme pays no
    such work that day: the admin is told in the log, without naming anyone)."""
    try:
        rate = _rate(kind, professional, worked_on)
    except DomainError:
        logger.warning(
            "No indemnity rate for kind %s on %s: nothing accrued.", kind.code, worked_on
        )
        return None
    return IndemnityLine.objects.create(
        professional=professional,
        kind=kind,
        entry=LineEntry.ACCRUAL,
        amount=rate.amount,
        rate=rate,
        worked_on=worked_on,
        **source,
    )


def contribution_accrue(*, contribution: Contribution) -> IndemnityLine | None:
    """A submitted contribution's line, once (asked again, the line already there)."""
    professional = getattr(contribution.author, "professional", None)
    kind = IndemnityKind.objects.filter(
        source=IndemnitySource.CONTRIBUTION, contribution_kind=contribution.kind
    ).first()
    if kind is None or professional is None or not _is_paid_for(professional):
        return None
    existing = IndemnityLine.objects.filter(
        entry=LineEntry.ACCRUAL, contribution=contribution
    ).first()
    if existing:
        return existing
    submitted = contribution.submitted_at or timezone.now()
    return _accrue(
        kind=kind,
        professional=professional,
        worked_on=timezone.localdate(submitted),
        contribution=contribution,
        sic=contribution.sic,
        patient=contribution.sic.patient,
    )


def _live_line(attendance: Attendance) -> IndemnityLine | None:
    """The attendance's line that no reversal cancels, if any."""
    return (
        IndemnityLine.objects.filter(attendance=attendance, entry__in=["accrual", "item"])
        .filter(reversal__isnull=True)
        .first()
    )


def attendance_accrue(*, attendance: Attendance, by: User | None) -> IndemnityLine | None:
    """Follow a member's presence at a held SIC: present, a line (once); no longer present, its
    line reversed; present again after a reversal, a new line saying so."""
    professional = attendance.membership.professional
    kind = IndemnityKind.objects.filter(source=IndemnitySource.ATTENDANCE).first()
    if kind is None or not _is_paid_for(professional):
        return None
    live = _live_line(attendance)
    if not attendance.present:
        if live:
            _reverse(line=live, by=by, why=_("Attendance corrected: not present."))
        return None
    if live:
        return live
    sic = attendance.sic
    worked_on = timezone.localdate(sic.held_at or timezone.now())
    if not IndemnityLine.objects.filter(attendance=attendance, entry=LineEntry.ACCRUAL).exists():
        return _accrue(
            kind=kind,
            professional=professional,
            worked_on=worked_on,
            attendance=attendance,
            sic=sic,
            patient=sic.patient,
        )
    return _item(
        kind=kind,
        professional=professional,
        worked_on=worked_on,
        why=_("Attendance corrected: present after all."),
        by=by,
        attendance=attendance,
        sic=sic,
        patient=sic.patient,
    )


def _item(
    *,
    kind: IndemnityKind,
    professional: Professional,
    worked_on: datetime.date,
    why: str,
    by: User | None,
    **source: object,
) -> IndemnityLine:
    """A line that is not a source's first accrual, at the rate in force: an item the admin
    adds, or a presence restored after a correction."""
    rate = _rate(kind, professional, worked_on)
    return IndemnityLine.objects.create(
        professional=professional,
        kind=kind,
        entry=LineEntry.ITEM,
        amount=rate.amount,
        rate=rate,
        worked_on=worked_on,
        why=why,
        created_by=by,
        **source,
    )


def line_reverse(*, line: IndemnityLine, by: User, why: str) -> IndemnityLine:
    """Undo a line (the admin): a reversing line of the opposite amount. Before any batch holds
    the line, both are cancelled; once a batch holds it, the reversal is a correction paid
    (deducted) in a later batch."""
    require(rules.can_manage(by))
    return _reverse(line=line, by=by, why=why)


@transaction.atomic
def _reverse(*, line: IndemnityLine, by: User | None, why: str) -> IndemnityLine:
    if not why.strip():
        raise DomainError(_("Please say why this line is reversed."))
    line = IndemnityLine.objects.select_for_update().get(pk=line.pk)
    if line.entry == LineEntry.REVERSAL:
        raise InvalidTransition(_("A reversal is not reversed: add an item instead."))
    if IndemnityLine.objects.filter(reverses=line).exists():
        raise InvalidTransition(_("This line is already reversed."))
    return IndemnityLine.objects.create(
        professional_id=line.professional_id,
        kind_id=line.kind_id,
        entry=LineEntry.REVERSAL,
        amount=-line.amount,
        rate_id=line.rate_id,
        worked_on=timezone.localdate(),
        patient_id=line.patient_id,
        sic_id=line.sic_id,
        contribution_id=line.contribution_id,
        attendance_id=line.attendance_id,
        reverses=line,
        why=why.strip(),
        created_by=by,
    )


@transaction.atomic
def item_add(
    *,
    professional: Professional,
    kind: IndemnityKind,
    worked_on: datetime.date,
    why: str,
    by: User,
    patient: Patient | None = None,
) -> IndemnityLine:
    """An item the admin adds (team constitution, first inclusion…), at the rate in force."""
    require(rules.can_manage(by))
    if kind.source != IndemnitySource.OTHER:
        raise DomainError(_("This kind accrues by itself when the work is recorded."))
    if not _is_paid_for(professional):
        raise DomainError(_("Only liberal professionals receive indemnities."))
    if not why.strip():
        raise DomainError(_("Please say what this item pays for."))
    return _item(
        kind=kind,
        professional=professional,
        worked_on=worked_on,
        why=why.strip(),
        by=by,
        patient=patient,
    )


def lines_approve(*, lines: IndemnityLineQuerySet, by: User) -> int:
    """Approve, in bulk, those of `lines` still to approve; returns how many were."""
    require(rules.can_manage(by))
    ids = list(lines.in_state(LineState.ACCRUED).values_list("pk", flat=True))
    created = LineApproval.objects.bulk_create(
        [LineApproval(line_id=pk, by=by) for pk in ids], ignore_conflicts=True
    )
    return len(created)


# --- Bank details ---------------------------------------------------------------------------------


@transaction.atomic
def bank_account_save(
    *, professional: Professional, holder: str, iban: str, bic: str, by: User
) -> BankAccount:
    """Record a liberal professional's bank details (the admin, or the professional): kept in
    the history, and told to the professional by e-mail, without the details themselves."""
    require(rules.can_edit_bank_account(by, professional))
    account = BankAccount.objects.filter(professional=professional).first() or BankAccount(
        professional=professional
    )
    account.holder, account.iban, account.bic, account.updated_by = holder, iban, bic, by
    account.full_clean()
    account.save()
    email = professional.user.email if professional.user else professional.email
    if email:
        context = {"professional": professional, "by": by, "site_url": settings.SITE_URL}
        transaction.on_commit(
            lambda: send_mail(
                subject=_("[Lab Parcours] Your bank details were changed"),
                message=render_text("emails/bank_details_changed.txt", context),
                html_message=render_to_string("emails/bank_details_changed.html", context),
                from_email=None,
                recipient_list=[email],
            )
        )
    return account


# --- Payment batches ------------------------------------------------------------------------------


def batch_candidates(period_start: datetime.date, period_end: datetime.date) -> dict[int, Decimal]:
    """The professionals a batch of the period would pay, with their net amount: approved lines
    of the period not yet in a batch, for those with bank details and a positive total (a
    correction larger than what is owed waits for the next batch)."""
    totals = (
        IndemnityLine.objects.payable()
        .filter(worked_on__range=(period_start, period_end))
        .filter(professional__bank_account__isnull=False)
        .values("professional")
        .annotate(total=Sum("amount"))
        .filter(total__gt=ZERO)
    )
    return {row["professional"]: row["total"] for row in totals}


def _next_reference(period_end: datetime.date) -> str:
    prefix = f"IND-{period_end:%Y%m}-"
    count = PaymentBatch.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:02d}"


def batch_build(
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    execution_date: datetime.date,
    by: User,
) -> PaymentBatch:
    """Freeze the approved lines of a period into a batch and write its SEPA transfer file
    (one transfer per professional). A line enters one batch only: two admins building at once
    get one batch, and the other a `BatchConflict` to try again."""
    require(rules.can_manage(by))
    if period_end < period_start:
        raise DomainError(_("The period ends before it starts."))
    try:
        with transaction.atomic():
            return _build(period_start, period_end, execution_date, by)
    except IntegrityError as error:
        raise BatchConflict(
            _("Another batch took some of these lines at the same time: please try again.")
        ) from error


def _analyze(model: type[models.Model]) -> None:
    """A batch can multiply a table's rows at once (a year of a programme's lines): PostgreSQL
    plans the next "not yet in a batch" with the table's new size, not with statistics from
    before, which autovacuum would refresh only a minute later (a nested loop over what it
    believed empty took minutes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _build(
    period_start: datetime.date, period_end: datetime.date, execution_date: datetime.date, by: User
) -> PaymentBatch:
    paid = batch_candidates(period_start, period_end)
    if not paid:
        raise DomainError(_("No approved line of this period is waiting to be paid."))
    batch = PaymentBatch.objects.create(
        reference=_next_reference(period_end),
        period_start=period_start,
        period_end=period_end,
        execution_date=execution_date,
        created_by=by,
    )
    lines = (
        IndemnityLine.objects.payable()
        .filter(worked_on__range=(period_start, period_end), professional_id__in=list(paid))
        .annotate(_batch=Value(batch.pk, output_field=BigIntegerField()))
        .order_by()
        .values_list("_batch", "pk")
    )
    insert_select(BatchLine, ("batch", "line"), lines)
    _analyze(BatchLine)
    # The totals again, from the lines the batch now holds: what the file pays is what it holds.
    held = (
        IndemnityLine.objects.filter(batch_line__batch=batch)
        .values("professional")
        .annotate(total=Sum("amount"))
    )
    totals = {row["professional"]: row["total"] for row in held}
    if totals != paid:
        raise IntegrityError("The lines changed while the batch was built.")
    accounts = BankAccount.objects.filter(professional_id__in=totals).select_related("professional")
    batch.sepa_file = sepa_transfer_file(batch, [(a, totals[a.professional_id]) for a in accounts])
    batch.sepa_sha256 = hashlib.sha256(batch.sepa_file).hexdigest()
    batch.save(update_fields=["sepa_file", "sepa_sha256"])
    return batch


@transaction.atomic
def batch_mark_paid(
    *, batch: PaymentBatch, paid_on: datetime.date, bank_reference: str, by: User
) -> PaymentBatch:
    """Record that the bank executed the batch's transfers: the date and its reference."""
    require(rules.can_manage(by))
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.is_paid:
        raise InvalidTransition(_("This batch is already marked paid."))
    if not bank_reference.strip():
        raise DomainError(_("Please give the bank's reference of the transfer."))
    if paid_on < timezone.localdate(batch.created_at):
        raise DomainError(_("A batch is paid after it was built."))
    batch.paid_on, batch.bank_reference, batch.marked_paid_by = paid_on, bank_reference.strip(), by
    batch.save(update_fields=["paid_on", "bank_reference", "marked_paid_by"])
    return batch


def batch_totals(batch: PaymentBatch) -> dict[int, Decimal]:
    """What the batch pays each professional, summed by the database."""
    rows = (
        IndemnityLine.objects.filter(batch_line__batch=batch)
        .values("professional")
        .annotate(total=Sum("amount"))
        .order_by("professional")
    )
    return {row["professional"]: row["total"] for row in rows}


def totals_by_state(lines: IndemnityLineQuerySet) -> dict[str, Decimal]:
    rows = lines.with_state().values("state").annotate(total=Sum("amount")).order_by()
    result: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        result[row["state"]] = row["total"]
    return dict(result)


def accrue_missing() -> int:
    """Accrue the work recorded while no rate was in force, once rates exist (a programme that
    sets its rates after its first SICs): every submitted contribution and every presence at a
    held SIC without its line. Idempotent; returns how many lines it wrote."""
    written = 0
    contributions = (
        Contribution.objects.filter(status="submitted")
        .exclude(
            pk__in=IndemnityLine.objects.filter(entry=LineEntry.ACCRUAL).values("contribution")
        )
        .select_related("sic__patient", "author__professional")
    )
    for contribution in contributions:
        written += contribution_accrue(contribution=contribution) is not None
    attendances = (
        Attendance.objects.filter(present=True)
        .exclude(Exists(IndemnityLine.objects.filter(attendance=OuterRef("pk"))))
        .select_related("sic__patient", "membership__professional")
    )
    for attendance in attendances:
        written += attendance_accrue(attendance=attendance, by=None) is not None
    return written
