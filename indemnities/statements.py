"""A professional's statement of a payment batch (relevé d'indemnités), in PDF.

Rendered by WeasyPrint from `templates/pdf/indemnity_statement.html`; everything on it comes from
the batch's frozen lines (no "printed today"), so the statement of a batch is the same file
every time it is downloaded. Patients appear by their initials only.
"""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.template.loader import render_to_string

from indemnities.models import ZERO, BankAccount, IndemnityLine, PaymentBatch
from labparcours.pdf import html_to_pdf
from patients.models import Patient
from teams.models import Professional


def statement_lines(batch: PaymentBatch, professional: Professional) -> list[IndemnityLine]:
    return list(
        IndemnityLine.objects.filter(batch_line__batch=batch, professional=professional)
        .select_related("kind", "patient", "sic")
        .order_by("worked_on", "pk")
    )


def statement_patients(batch: PaymentBatch, professional: Professional) -> QuerySet[Patient]:
    """The patients a statement names (by initials): its download is a read of their data."""
    return Patient.objects.filter(
        indemnity_lines__batch_line__batch=batch, indemnity_lines__professional=professional
    ).distinct()


def statement_pdf(batch: PaymentBatch, professional: Professional) -> bytes:
    lines = statement_lines(batch, professional)
    by_kind = (
        IndemnityLine.objects.filter(batch_line__batch=batch, professional=professional)
        .values("kind__label")
        .annotate(total=Sum("amount"))
        .order_by("kind__position", "kind__label")
    )
    context = {
        "batch": batch,
        "professional": professional,
        "lines": lines,
        "by_kind": list(by_kind),
        "total": sum((line.amount for line in lines), ZERO),
        "account": BankAccount.objects.filter(professional=professional).first(),
    }
    html = render_to_string("pdf/indemnity_statement.html", context)
    return html_to_pdf(html)
