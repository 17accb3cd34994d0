"""The listing of a payment batch, a line per row, for the programme's accounts: CSV (streamed)
and XLSX, in the formats of `labparcours/tabular.py`. Patients by initials only.

Everything written comes from the batch's frozen lines and the batch itself (its build date is
the workbook's date): exporting a batch again gives the same bytes.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from indemnities.models import IndemnityLine, PaymentBatch
from labparcours.tabular import Column


def batch_columns(batch: PaymentBatch) -> list[Column]:
    return [Column(_("Batch"), lambda line: batch.reference), *LINE_COLUMNS]


LINE_COLUMNS = [
    Column(_("Line"), lambda line: line.pk, "int"),
    Column(_("Last name"), lambda line: line.professional.last_name),
    Column(_("First name"), lambda line: line.professional.first_name),
    Column(_("Profession"), lambda line: line.professional.get_profession_display()),
    Column(_("RPPS"), lambda line: line.professional.rpps),
    Column(_("Kind"), lambda line: line.kind.label),
    Column(_("Entry"), lambda line: line.get_entry_display()),
    Column(_("Work done on"), lambda line: line.worked_on, "date"),
    Column(_("Initials"), lambda line: line.patient.initials if line.patient else ""),
    Column(_("Reverses line"), lambda line: line.reverses_id, "int"),
    Column(_("Amount"), lambda line: line.amount, "money"),
]


def batch_rows(batch: PaymentBatch) -> QuerySet[IndemnityLine]:
    return (
        IndemnityLine.objects.filter(batch_line__batch=batch)
        .select_related("professional", "kind", "patient")
        .order_by("professional__last_name", "professional__first_name", "professional", "pk")
    )


def batch_patient_ids(batch: PaymentBatch) -> QuerySet[IndemnityLine, uuid.UUID]:
    """The patients the listing names (by initials), for the access log."""
    return IndemnityLine.objects.filter(batch_line__batch=batch, patient__isnull=False).values_list(
        "patient", flat=True
    )
