"""The listing of a payment batch, a line per row, for the programme's accounts: CSV (streamed)
and XLSX, in the formats of `labparcours/tabular.py`. Patients by initials only.

Everything written comes from the batch's frozen lines and the batch itself (its build date is
the workbook's date): exporting a batch again gives the same bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from operator import attrgetter, itemgetter
from typing import Any

from django.db.models import Case, F, Func, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Concat, Left, Upper
from django.utils.translation import gettext_lazy as _

from indemnities.models import (
    IndemnityKind,
    IndemnityLine,
    IndemnityLineQuerySet,
    LineEntry,
    LineState,
    PaymentBatch,
)
from labparcours.tabular import Column, formula_safe
from teams.models import Profession

# A row is a tuple of these fields, read straight from the database: no model is built per
# line, so that an export of a year of lines runs near the speed of PostgreSQL's own COPY.
FIELDS = (
    "pk",
    "professional__last_name",
    "professional__first_name",
    "professional__profession",
    "professional__rpps",
    "kind__label",
    "entry",
    "worked_on",
    "patient__first_name",
    "patient__last_name",
    "reverses",
    "amount",
)
(
    PK,
    LAST_NAME,
    FIRST_NAME,
    PROFESSION,
    RPPS,
    KIND,
    ENTRY,
    WORKED_ON,
    PATIENT_FIRST,
    PATIENT_LAST,
    REVERSES,
    AMOUNT,
) = range(len(FIELDS))


def _initials(row: tuple[Any, ...]) -> str:
    first, last = row[PATIENT_FIRST], row[PATIENT_LAST]
    return f"{first[:1]}.{last[:1]}.".upper() if last is not None else ""


def line_columns() -> list[Column]:
    """The columns of a line, read from a row of FIELDS."""
    # Labels translated once, not once per row.
    professions = {code: str(label) for code, label in Profession.choices}
    entries = {code: str(label) for code, label in LineEntry.choices}
    return [
        Column(_("Line"), itemgetter(PK), "int"),
        Column(_("Last name"), itemgetter(LAST_NAME)),
        Column(_("First name"), itemgetter(FIRST_NAME)),
        Column(_("Profession"), lambda row: professions.get(row[PROFESSION], row[PROFESSION])),
        Column(_("RPPS"), itemgetter(RPPS)),
        Column(_("Kind"), itemgetter(KIND)),
        Column(_("Entry"), lambda row: entries[row[ENTRY]]),
        Column(_("Work done on"), itemgetter(WORKED_ON), "date"),
        Column(_("Initials"), _initials),
        Column(_("Reverses line"), itemgetter(REVERSES), "int"),
        Column(_("Amount"), itemgetter(AMOUNT), "money"),
    ]


def batch_columns(batch: PaymentBatch) -> list[Column]:
    return [Column(_("Batch"), lambda row: batch.reference), *line_columns()]


def period_columns() -> list[Column]:
    """A period's lines, with their state (rows of FIELDS, then the state)."""
    states = {code: str(label) for code, label in LineState.choices}
    return [*line_columns(), Column(_("State"), lambda row: states[row[len(FIELDS)]])]


def period_rows(lines: IndemnityLineQuerySet) -> QuerySet[IndemnityLine, tuple[Any, ...]]:
    """The rows of `lines` (annotated with their state) for `period_columns`."""
    return lines.order_by("worked_on", "pk").values_list(*FIELDS, "state")


def _count_of(code: str) -> Callable[[Any], int]:
    return lambda row: row.counts[code]


def professional_columns(kinds: list[IndemnityKind]) -> list[Column]:
    """The report per professional (rows: `reports.ProfessionalRow`), a count per kind."""
    professions = {code: str(label) for code, label in Profession.choices}
    return [
        Column(_("Name"), attrgetter("name")),
        Column(_("Profession"), lambda row: professions.get(row.profession, row.profession)),
        Column(_("RPPS"), attrgetter("rpps")),
        *(Column(kind.label, _count_of(kind.code), "int") for kind in kinds),
        Column(_("Total"), attrgetter("total"), "money"),
        Column(_("Paid"), attrgetter("paid"), "money"),
    ]


def _batch_lines(batch: PaymentBatch) -> QuerySet[IndemnityLine]:
    return IndemnityLine.objects.filter(batch_line__batch=batch).order_by(
        "professional__last_name", "professional__first_name", "professional", "pk"
    )


def batch_rows(batch: PaymentBatch) -> QuerySet[IndemnityLine, tuple[Any, ...]]:
    return _batch_lines(batch).values_list(*FIELDS)


def _labelled(field: str, labels: dict[str, str]) -> Case:
    return Case(
        *(When(**{field: code}, then=Value(label)) for code, label in labels.items()),
        default=F(field),
        output_field=TextField(),
    )


def _text(expression: Any) -> Cast:
    return Cast(expression, TextField())


def batch_cells(batch: PaymentBatch) -> QuerySet[IndemnityLine, tuple[Any, ...]]:
    """The cells of `batch_columns` for `batch_rows`, each written as text by the database
    (for `labparcours.tabular.csv_copied`): the same bytes as the rows through the columns."""
    professions = {code: str(label) for code, label in Profession.choices}
    entries = {code: str(label) for code, label in LineEntry.choices}
    initials = Upper(
        Concat(
            Left("patient__first_name", 1),
            Value("."),
            Left("patient__last_name", 1),
            Value("."),
            output_field=TextField(),
        )
    )
    cells = {
        "c_batch": formula_safe(Value(batch.reference)),
        "c_line": _text("pk"),
        "c_last": formula_safe(F("professional__last_name")),
        "c_first": formula_safe(F("professional__first_name")),
        "c_profession": formula_safe(_labelled("professional__profession", professions)),
        "c_rpps": formula_safe(F("professional__rpps")),
        "c_kind": formula_safe(F("kind__label")),
        "c_entry": formula_safe(_labelled("entry", entries)),
        "c_worked_on": Func(
            "worked_on", Value("YYYY-MM-DD"), function="to_char", output_field=TextField()
        ),
        "c_initials": formula_safe(
            Case(
                When(patient__last_name__isnull=True, then=None),
                default=initials,
                output_field=TextField(),
            )
        ),
        "c_reverses": _text("reverses"),
        # A money field has two places: its text is what `tabular` writes (`1234.50`).
        "c_amount": _text("amount"),
    }
    return _batch_lines(batch).annotate(**cells).values_list(*cells)


def batch_patient_ids(batch: PaymentBatch) -> QuerySet[IndemnityLine, uuid.UUID]:
    """The patients the listing names (by initials), for the access log."""
    return IndemnityLine.objects.filter(batch_line__batch=batch, patient__isnull=False).values_list(
        "patient", flat=True
    )
