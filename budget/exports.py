"""Exports of the budget for a period: requests, expenses and ledger movements, as CSV
(streamed) and XLSX (written row by row), both from the same columns.

- CSV: `;` separated, UTF-8 with a BOM (what French Excel opens without garbling accents),
  amounts written `1234.50` (a dot, no grouping: a number any tool reads back exactly), dates
  `2026-03-31`, times `2026-03-31 14:05` in Europe/Paris. A text cell that a spreadsheet would
  take for a formula (= + - @) is prefixed with an apostrophe.
- XLSX: amounts are numbers with a euro format, dates are dates.

Patients are named by their programme identifier (the pseudonymous id of their record) and
initials: paying a provider needs the request, the provider and the amount, never a name.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budget.models import Expense, SupplementaryCare
from budget.reports import dated_movements
from labparcours.models import User

CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation
    value: Callable[[Any], Any]
    kind: str = "text"  # text, money, int, date, datetime


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


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
    Column(_("Requested at"), lambda r: _local(r.requested_at), "datetime"),
    Column(_("Decided at"), lambda r: _local(r.decided_at), "datetime"),
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
    Column(_("Written at"), lambda m: _local(m.at), "datetime"),
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


# --- CSV ---------------------------------------------------------------------------------------


def _csv_text(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == "date":
        return value.isoformat()
    text = str(value)
    return "'" + text if kind == "text" and text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object whose `write` hands back what the csv writer wrote."""

    def write(self, text: str) -> str:
        return text


def csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The CSV, line by line, as bytes: the BOM and the header first."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    header = writer.writerow([str(column.header) for column in columns])
    yield "\ufeff".encode() + str(header).encode()
    for row in rows:
        cells = [_csv_text(column.value(row), column.kind) for column in columns]
        yield str(writer.writerow(cells)).encode()


# --- XLSX --------------------------------------------------------------------------------------


def xlsx_file(columns: list[Column], rows: Iterable[Any], title: str) -> IO[bytes]:
    """The workbook in a temporary file, rewound: rows are flushed to disk as they are
    written (constant memory)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 — handed to the response, which closes it
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "remove_timezone": True})
    formats = {
        "money": book.add_format({"num_format": '#,##0.00 "€"'}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": book.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        "header": book.add_format({"bold": True}),
    }
    sheet = book.add_worksheet(title[:31])
    for col, column in enumerate(columns):
        sheet.write_string(0, col, str(column.header), formats["header"])
        sheet.set_column(col, col, 16)
    for line, row in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            _xlsx_cell(sheet, line, col, column.value(row), column.kind, formats)
    book.close()
    out.seek(0)
    return out


def _xlsx_cell(sheet: Any, row: int, col: int, value: Any, kind: str, formats: dict) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None)
    elif kind == "money":
        sheet.write_number(row, col, float(value), formats["money"])
    elif kind == "int":
        sheet.write_number(row, col, value)
    elif kind in ("date", "datetime"):
        sheet.write_datetime(row, col, value, formats[kind])
    else:
        sheet.write_string(row, col, str(value))


def iterate(qs: QuerySet[Any]) -> Iterator[Any]:
    return qs.iterator(chunk_size=CHUNK)
