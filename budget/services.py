"""Writes of the budget: one command per action, for the pages, the API and the beat alike.

Every command that moves money locks the envelope's row first (`select_for_update`), then
reads the balances the database sums from the ledger, then appends its movements: two
coordinators approving at once are served one after the other, and no approval or expense
takes the envelope, or a category's yearly ceiling, below zero.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from budget import reminders, rules
from budget.models import (
    ZERO,
    BudgetCategory,
    BudgetEnvelope,
    BudgetMovement,
    BudgetRate,
    CareProvider,
    CareRequestStatus,
    Expense,
    ExpenseStatus,
    MovementKind,
    Overdraft,
    SupplementaryCare,
)
from budget.selectors import actions_to_serve
from labparcours.charts import euros
from labparcours.errors import DomainError, InvalidTransition, NotAllowed
from labparcours.models import User
from labparcours.uploads import clean_upload
from patients.models import Patient

CARE_KINDS = (MovementKind.COMMIT, MovementKind.RELEASE, MovementKind.SPEND)


# --- Programme years ----------------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; a 29 February becomes the 1 March."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def programme_year(inclusion: datetime.date, on: datetime.date) -> int:
    """The programme year `on` falls in: 1 from the inclusion, 2 from its first anniversary…"""
    years = on.year - inclusion.year
    if add_years(inclusion, years) > on:
        years -= 1
    return max(years, 0) + 1


# --- Envelopes ------------------------------------------------------------------------------------


@transaction.atomic
def envelope_open(*, patient: Patient, year: int, by: User | None = None) -> BudgetEnvelope:
    """Open the patient's envelope of a programme year, with the amount of the rate in force
    on its first day (none in force: an empty envelope the admin corrects). Asked again, it
    returns the envelope already open."""
    if patient.inclusion_date is None:
        raise InvalidTransition(_("An envelope opens once the patient is included."))
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    existing = BudgetEnvelope.objects.filter(patient=patient, year=year).first()
    if existing is not None:
        return existing
    starts_on = add_years(patient.inclusion_date, year - 1)
    rate = BudgetRate.objects.in_force(patient.pathway, starts_on).first()
    envelope = BudgetEnvelope.objects.create(
        patient=patient,
        year=year,
        starts_on=starts_on,
        ends_on=add_years(patient.inclusion_date, year),
        amount=rate.amount if rate else ZERO,
        rate=rate,
    )
    if envelope.amount > 0:
        BudgetMovement.objects.create(
            envelope=envelope,
            kind=MovementKind.ALLOT,
            amount=envelope.amount,
            by=by,
            why=_("Yearly amount of the pathway"),
        )
    if year > 1 and settings.LABPARCOURS_BUDGET_CARRY_OVER:
        _carry_over(patient=patient, into=envelope, by=by)
    return envelope


def _carry_over(*, patient: Patient, into: BudgetEnvelope, by: User | None) -> None:
    """Move what is left of the previous year (neither committed nor spent) into the new one."""
    previous = (
        BudgetEnvelope.objects.select_for_update()
        .filter(patient=patient, year=into.year - 1)
        .first()
    )
    if previous is None:
        return
    left: Decimal = BudgetEnvelope.objects.with_balances().get(pk=previous.pk).remaining  # type: ignore[attr-defined]
    allot = previous.movements.filter(kind=MovementKind.ALLOT).order_by("pk").first()
    if left <= 0 or allot is None:
        return
    why = _("Carried over from year %(from)s to year %(to)s") % {
        "from": previous.year,
        "to": into.year,
    }
    BudgetMovement.objects.create(
        envelope=previous,
        kind=MovementKind.CORRECTION,
        corrects=allot,
        amount=-left,
        by=by,
        why=why,
    )
    BudgetMovement.objects.create(
        envelope=into, kind=MovementKind.ALLOT, amount=left, by=by, why=why
    )


def envelopes_open_due(today: datetime.date | None = None) -> int:
    """Open the envelope of the current programme year of every included patient who has
    none: on the anniversary of the inclusion, and for patients included before envelopes
    existed. Idempotent: run twice, it opens nothing the second time. Returns how many."""
    today = today or timezone.localdate()
    due = (
        Patient.objects.included()
        .filter(inclusion_date__lte=today)
        .annotate(last_end=Max("budget_envelopes__ends_on"))
        .filter(Q(last_end__isnull=True) | Q(last_end__lte=today))
    )
    opened = 0
    for patient in due.iterator():
        assert patient.inclusion_date is not None  # noqa: S101 — filtered above
        year = programme_year(patient.inclusion_date, today)
        if not BudgetEnvelope.objects.filter(patient=patient, year=year).exists():
            envelope_open(patient=patient, year=year)
            opened += 1
    return opened


def current_envelope(patient: Patient, on: datetime.date | None = None) -> BudgetEnvelope | None:
    on = on or timezone.localdate()
    return BudgetEnvelope.objects.filter(patient=patient, starts_on__lte=on, ends_on__gt=on).first()


# --- Balances read under the lock -------------------------------------------------------------


def _lock(envelope_id: int) -> BudgetEnvelope:
    """Lock the envelope's row (other writers wait), then read its balances."""
    BudgetEnvelope.objects.select_for_update().filter(pk=envelope_id).first()
    return BudgetEnvelope.objects.with_balances().get(pk=envelope_id)


def _care_sum(**filters: Any) -> Decimal:
    rows = BudgetMovement.objects.filter(**filters).filter(
        Q(kind__in=CARE_KINDS) | Q(kind=MovementKind.CORRECTION, corrects__kind__in=CARE_KINDS)
    )
    return rows.aggregate(total=Sum("amount"))["total"] or ZERO


def _committed_for(request: SupplementaryCare) -> Decimal:
    """What the request still holds committed (approved, not yet spent nor released)."""
    kinds = (MovementKind.COMMIT, MovementKind.RELEASE)
    rows = BudgetMovement.objects.filter(request=request).filter(
        Q(kind__in=kinds) | Q(kind=MovementKind.CORRECTION, corrects__kind__in=kinds)
    )
    return rows.aggregate(total=Sum("amount"))["total"] or ZERO


def _check_room(envelope: BudgetEnvelope, category: BudgetCategory, amount: Decimal) -> None:
    """Refuse, saying how much is left, what would take the envelope or the category's
    yearly ceiling below zero."""
    remaining: Decimal = envelope.remaining  # type: ignore[attr-defined]
    if amount > remaining:
        raise Overdraft(
            _("Not enough money left in this envelope: %(left)s left, %(asked)s asked.")
            % {"left": euros(max(remaining, ZERO)), "asked": euros(amount)},
            left=max(remaining, ZERO),
        )
    if category.yearly_ceiling is not None:
        left = category.yearly_ceiling - _care_sum(envelope=envelope, category=category)
        if amount > left:
            raise Overdraft(
                _(
                    "The yearly ceiling of « %(category)s » would be exceeded: %(left)s left, "
                    "%(asked)s asked."
                )
                % {"category": category, "left": euros(max(left, ZERO)), "asked": euros(amount)},
                left=max(left, ZERO),
            )


# --- Requests ---------------------------------------------------------------------------------


@transaction.atomic
def supplementary_care_request(
    *,
    patient: Patient,
    prescriber: User,
    category: BudgetCategory,
    provider: CareProvider,
    sessions: int,
    unit_price: Decimal,
    action: Any = None,
    on: datetime.date | None = None,
) -> SupplementaryCare:
    """A team member asks for `sessions` sessions of a category with a provider, on the
    patient's envelope of the current year, for the care-plan action it serves: one of the
    patient's plan in force or in the making (`actions_to_serve`), never of a version since
    replaced, whoever calls."""
    if not rules.can_prescribe(prescriber, patient):
        raise NotAllowed(
            _("Only the coordinator or a member of the patient's team prescribes."),
            code="not_a_team_member",
        )
    envelope = current_envelope(patient, on)
    if envelope is None:
        raise DomainError(_("This patient has no envelope open for this year."), code="no_envelope")
    if sessions < 1 or unit_price <= 0:
        raise DomainError(_("Give at least one session and a price per session."))
    if not category.is_active or not provider.is_active:
        raise DomainError(_("This category or this provider is no longer offered."))
    if action is not None and action.plan.patient_id != patient.pk:
        raise DomainError(_("This action belongs to another patient's care plan."))
    # Read again, not from the action given: its version may have been replaced since. The
    # field's error, as the form and the API give it: on the field, a 400 naming it.
    if action is not None and not actions_to_serve(patient).filter(pk=action.pk).exists():
        raise ValidationError(
            {
                "action": ValidationError(
                    _(
                        "This action belongs to a replaced version of the care plan: choose "
                        "an action of the plan in force."
                    ),
                    code="superseded_action",
                )
            }
        )
    request = SupplementaryCare.objects.create(
        envelope=envelope,
        category=category,
        provider=provider,
        sessions=sessions,
        unit_price=unit_price,
        action=action,
        prescriber=prescriber,
    )
    reminders.care_requested(request, by=prescriber)
    return request


def _locked_request(request: SupplementaryCare) -> tuple[SupplementaryCare, BudgetEnvelope]:
    envelope = _lock(request.envelope_id)
    fresh = SupplementaryCare.objects.select_for_update().get(pk=request.pk)
    return fresh, envelope


@transaction.atomic
def supplementary_care_approve(*, request: SupplementaryCare, by: User) -> SupplementaryCare:
    """The coordinator approves: the amount is committed on the envelope, if there is room."""
    if not rules.can_decide(by):
        raise NotAllowed(_("Only the coordinator approves a request."), code="not_the_coordinator")
    request, envelope = _locked_request(request)
    request._decide(CareRequestStatus.APPROVED, by, allowed={CareRequestStatus.REQUESTED})
    _check_room(envelope, request.category, request.amount)
    request.save()
    BudgetMovement.objects.create(
        envelope=envelope,
        category=request.category,
        kind=MovementKind.COMMIT,
        amount=request.amount,
        by=by,
        why=_("Request approved"),
        request=request,
    )
    reminders.care_decided(request, by=by)
    return request


@transaction.atomic
def supplementary_care_refuse(
    *, request: SupplementaryCare, by: User, reason: str
) -> SupplementaryCare:
    """The coordinator refuses, saying why; nothing was committed."""
    if not rules.can_decide(by):
        raise NotAllowed(_("Only the coordinator refuses a request."), code="not_the_coordinator")
    if not reason.strip():
        raise DomainError(_("Say why the request is refused."), code="reason_required")
    request, _envelope = _locked_request(request)
    request._decide(CareRequestStatus.REFUSED, by, allowed={CareRequestStatus.REQUESTED})
    request.refusal_reason = reason.strip()
    request.save()
    reminders.care_decided(request, by=by)
    return request


def _release_rest(request: SupplementaryCare, envelope: BudgetEnvelope, by: User | None, why: str):
    rest = _committed_for(request)
    if rest > 0:
        BudgetMovement.objects.create(
            envelope=envelope,
            category=request.category,
            kind=MovementKind.RELEASE,
            amount=-rest,
            by=by,
            why=why,
            request=request,
        )


@transaction.atomic
def supplementary_care_cancel(*, request: SupplementaryCare, by: User) -> SupplementaryCare:
    """Its prescriber or the coordinator cancels a request; what it still held is released."""
    if not rules.can_cancel(by, request.prescriber_id):
        raise NotAllowed(_("Only the prescriber or the coordinator cancels a request."))
    request, envelope = _locked_request(request)
    request._decide(
        CareRequestStatus.CANCELLED,
        by,
        allowed={CareRequestStatus.REQUESTED, CareRequestStatus.APPROVED},
    )
    request.save()
    _release_rest(request, envelope, by, _("Request cancelled"))
    reminders.care_closed(request)
    return request


@transaction.atomic
def supplementary_care_expire(*, request: SupplementaryCare) -> SupplementaryCare:
    """A request left unused expires (end of the year); what it still held is released."""
    request, envelope = _locked_request(request)
    request._decide(
        CareRequestStatus.EXPIRED,
        None,
        allowed={CareRequestStatus.REQUESTED, CareRequestStatus.APPROVED},
    )
    request.save()
    _release_rest(request, envelope, None, _("Request expired"))
    reminders.care_closed(request)
    return request


def supplementary_care_expire_due(today: datetime.date | None = None) -> int:
    """Expire the requests still waiting or approved on an envelope whose year has ended:
    what they held goes back to that envelope. Idempotent (an expired request does not
    expire again); the daily beat runs it. Returns how many expired."""
    today = today or timezone.localdate()
    due = SupplementaryCare.objects.filter(
        status__in=(CareRequestStatus.REQUESTED, CareRequestStatus.APPROVED),
        envelope__ends_on__lte=today,
    )
    expired = 0
    for request in due.order_by("pk").iterator():
        try:
            supplementary_care_expire(request=request)
        except InvalidTransition:
            continue  # decided meanwhile by someone else
        expired += 1
    return expired


# --- Expenses -----------------------------------------------------------------------------------


@transaction.atomic
def expense_record(
    *,
    request: SupplementaryCare,
    by: User,
    sessions: int,
    date: datetime.date,
    amount: Decimal,
    invoice: Any = None,
) -> Expense:
    """Record sessions done and their invoice: spent, and as much released from what the
    request held committed. Never more than what was approved for the request."""
    if not rules.can_record_expense(by):
        raise NotAllowed(_("Only the coordinator records an expense."), code="not_the_coordinator")
    request, envelope = _locked_request(request)
    if request.status != CareRequestStatus.APPROVED:
        raise InvalidTransition(_("Expenses are recorded on an approved request."))
    if amount <= 0 or sessions < 1:
        raise DomainError(_("Give the sessions done and a positive amount."))
    held = _committed_for(request)
    if amount > held:
        raise Overdraft(
            _("This expense exceeds what was approved for the request: %(left)s left.")
            % {"left": euros(max(held, ZERO))},
            left=max(held, ZERO),
        )
    done = request.expenses.aggregate(n=Sum("sessions"))["n"] or 0
    if done + sessions > request.sessions:
        raise DomainError(
            _("Only %(left)s sessions are left on this request.")
            % {"left": request.sessions - done}
        )
    if invoice and not isinstance(invoice, FieldFile):
        invoice = clean_upload(invoice)
    expense = Expense.objects.create(
        request=request,
        sessions=sessions,
        date=date,
        amount=amount,
        invoice=invoice or "",
        recorded_by=by,
    )
    common = {"envelope": envelope, "category": request.category, "by": by, "request": request}
    why = _("Sessions done")
    BudgetMovement.objects.create(
        kind=MovementKind.SPEND, amount=amount, why=why, expense=expense, **common
    )
    BudgetMovement.objects.create(
        kind=MovementKind.RELEASE, amount=-amount, why=why, expense=expense, **common
    )
    if done == 0:  # the first sessions: the request is no longer "approved but unused"
        reminders.care_closed(request)
    return expense


@transaction.atomic
def expense_mark_paid(
    *, expense: Expense, by: User, paid_on: datetime.date, reference: str
) -> Expense:
    """The admin records the payment of an expense, with its date and reference."""
    if not rules.can_mark_paid(by):
        raise NotAllowed(_("Only the programme's admin marks an expense paid."), code="not_admin")
    if not reference.strip():
        raise DomainError(_("Give the payment reference."), code="reference_required")
    envelope = _lock(expense.request.envelope_id)
    expense = Expense.objects.select_for_update().select_related("request").get(pk=expense.pk)
    if expense.status != ExpenseStatus.TO_PAY:
        raise InvalidTransition(_("This expense is already paid."))
    expense.status = ExpenseStatus.PAID
    expense.paid_on = paid_on
    expense.payment_reference = reference.strip()
    expense.paid_by = by
    expense.save()
    BudgetMovement.objects.create(
        envelope=envelope,
        category=expense.request.category,
        kind=MovementKind.PAY,
        amount=expense.amount,
        by=by,
        why=_("Paid, reference %(reference)s") % {"reference": expense.payment_reference},
        request=expense.request,
        expense=expense,
    )
    return expense


@transaction.atomic
def movement_correct(
    *, movement: BudgetMovement, by: User, amount: Decimal, why: str
) -> BudgetMovement:
    """Correct a row of the ledger by a new one carrying the signed difference: the row
    itself is never changed. Refused if the envelope or the category would go below zero."""
    if not rules.can_correct(by):
        raise NotAllowed(_("Only the programme's admin corrects the ledger."), code="not_admin")
    if not why.strip():
        raise DomainError(_("Say why the ledger is corrected."), code="reason_required")
    if amount == 0:
        raise DomainError(_("A correction moves some money."))
    envelope = _lock(movement.envelope_id)
    target = BudgetMovement.objects.get(pk=movement.pk)
    if target.kind == MovementKind.CORRECTION:
        raise DomainError(_("Correct the original row, not a correction."))
    # What the correction takes from the remaining money: more committed or spent, less
    # allotted; paying moves nothing of it.
    taken: dict[str, Decimal] = {MovementKind.ALLOT: -amount, MovementKind.PAY: ZERO}
    taken_here = taken.get(target.kind, amount)
    remaining: Decimal = envelope.remaining  # type: ignore[attr-defined]
    if taken_here > remaining:
        raise Overdraft(
            _("Not enough money left in this envelope: %(left)s left, %(asked)s asked.")
            % {"left": euros(max(remaining, ZERO)), "asked": euros(taken_here)},
            left=max(remaining, ZERO),
        )
    if target.category is not None and target.kind in CARE_KINDS:
        ceiling = target.category.yearly_ceiling
        used = _care_sum(envelope=envelope, category=target.category)
        if ceiling is not None and amount > 0 and used + amount > ceiling:
            raise Overdraft(
                _("The yearly ceiling of « %(category)s » would be exceeded.")
                % {"category": target.category},
                left=max(ceiling - used, ZERO),
            )
    return BudgetMovement.objects.create(
        envelope=envelope,
        category=target.category,
        kind=MovementKind.CORRECTION,
        corrects=target,
        amount=amount,
        by=by,
        why=why.strip(),
        request=target.request,
        expense=target.expense,
    )
