"""Exports of the budget for a period: requests, expenses and ledger movements, as CSV
(streamed) and XLSX (written row by row), both from the same columns (the formats:
`labparcours/tabular.py`).

Patients are named by their programme identifier (the pseudonymous id of their record) and
initials: paying a provider needs the request, the provider and the amount, never a name.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from budget.models import Expense, SupplementaryCare
from budget.reports import dated_movements
from labparcours.models import User
from labparcours.tabular import Column, local


def _provider(care: SupplementaryCare) -> str:
    return str(care.provider)


def _who(user: User | None) -> str:
    return user.get_full_name() or user.email if user else ""


REQUEST_COLUMNS = [
    Column(_("Request"), lambda r: r.pk, "int"),
    Column(_("Patient id"), lambda r: str(r.envelope.patient_id)),
    Column(_("Initials"), lambda r: r.envelope.patient.initials),
    Column(_("Pathway"), lambda r: r.envelope.patient.pathway),
    Column(_("Programme year"), lambda r: r.envelope.year, "int"),
    Column(_("Category"), lambda r: r.category.name),
    Column(_("Provider"), _provider),
    Column(_("SIRET"), lambda r: r.provider.siret),
    Column(_("Sessions"), lambda r: r.sessions, "int"),
    Column(_("Price per session"), lambda r: r.unit_price, "money"),
    Column(_("Amount"), lambda r: r.amount, "money"),
    Column(_("Status"), lambda r: r.get_status_display()),
    Column(_("Requested at"), lambda r: local(r.requested_at), "datetime"),
    Column(_("Decided at"), lambda r: local(r.decided_at), "datetime"),
    Column(_("Prescriber"), lambda r: _who(r.prescriber)),
]

EXPENSE_COLUMNS = [
    Column(_("Expense"), lambda e: e.pk, "int"),
    Column(_("Request"), lambda e: e.request_id, "int"),
    Column(_("Patient id"), lambda e: str(e.request.envelope.patient_id)),
    Column(_("Initials"), lambda e: e.request.envelope.patient.initials),
    Column(_("Pathway"), lambda e: e.request.envelope.patient.pathway),
    Column(_("Category"), lambda e: e.request.category.name),
    Column(_("Provider"), lambda e: _provider(e.request)),
    Column(_("SIRET"), lambda e: e.request.provider.siret),
    Column(_("Sessions done"), lambda e: e.sessions, "int"),
    Column(_("Date"), lambda e: e.date, "date"),
    Column(_("Amount"), lambda e: e.amount, "money"),
    Column(_("Status"), lambda e: e.get_status_display()),
    Column(_("Paid on"), lambda e: e.paid_on, "date"),
    Column(_("Payment reference"), lambda e: e.payment_reference),
    Column(_("Invoice attached"), lambda e: _("yes") if e.invoice else _("no")),
]

MOVEMENT_COLUMNS = [
    Column(_("Movement"), lambda m: m.pk, "int"),
    Column(_("Value date"), lambda m: m.day, "date"),
    Column(_("Written at"), lambda m: local(m.at), "datetime"),
    Column(_("Patient id"), lambda m: str(m.envelope.patient_id)),
    Column(_("Initials"), lambda m: m.envelope.patient.initials),
    Column(_("Pathway"), lambda m: m.envelope.patient.pathway),
    Column(_("Programme year"), lambda m: m.envelope.year, "int"),
    Column(_("Kind"), lambda m: m.get_kind_display()),
    Column(_("Corrects movement"), lambda m: m.corrects_id, "int"),
    Column(_("Category"), lambda m: m.category.name if m.category else ""),
    Column(_("Amount"), lambda m: m.amount, "money"),
    Column(_("Request"), lambda m: m.request_id, "int"),
    Column(_("Expense"), lambda m: m.expense_id, "int"),
    Column(_("By"), lambda m: _who(m.by)),
    Column(_("Why"), lambda m: m.why),
]


@dataclass(frozen=True)
class Export:
    slug: str  # in the file's name
    columns: list[Column]
    rows: Callable[[User, datetime.date, datetime.date], QuerySet[Any]]
    patient_path: str


def _requests(user: User, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    return (
        SupplementaryCare.objects.visible_to(user)
        .filter(requested_at__date__gte=start, requested_at__date__lte=end)
        .select_related("envelope__patient", "category", "provider__professional", "prescriber")
        .order_by("requested_at", "pk")
    )


def _expenses(user: User, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    return (
        Expense.objects.visible_to(user)
        .filter(date__gte=start, date__lte=end)
        .select_related(
            "request__envelope__patient", "request__category", "request__provider__professional"
        )
        .order_by("date", "pk")
    )


def _movements(user: User, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    return (
        dated_movements(user)
        .filter(day__gte=start, day__lte=end)
        .select_related("envelope__patient", "category", "by")
        .order_by("day", "at", "pk")
    )


EXPORTS = {
    "demandes": Export("demandes", REQUEST_COLUMNS, _requests, "envelope__patient"),
    "depenses": Export("depenses", EXPENSE_COLUMNS, _expenses, "request__envelope__patient"),
    "mouvements": Export("mouvements", MOVEMENT_COLUMNS, _movements, "envelope__patient"),
}


def patient_ids(
    export: Export, user: User, start: datetime.date, end: datetime.date
) -> QuerySet[Any]:
    """The ids of the patients whose data the export holds, for the access log."""
    return export.rows(user, start, end).values_list(export.patient_path, flat=True)
