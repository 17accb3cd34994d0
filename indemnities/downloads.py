"""The files of a payment batch as downloads, for the pages and the API alike: the SEPA file
(the bytes written when the batch was built), the listing of its lines (CSV or XLSX, the same
bytes each time) and a professional's statement (PDF). The caller has fetched the batch through
the scope and checked the role; the listing and the statement log the reads of the patients
they name."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

from indemnities.exports import batch_cells, batch_columns, batch_patient_ids, batch_rows
from indemnities.models import PaymentBatch
from indemnities.statements import statement_patients, statement_pdf
from labparcours.access import log_access, log_access_query
from labparcours.tabular import iterate, table_response
from teams.models import Professional


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sepa_response(batch: PaymentBatch) -> HttpResponse:
    return _attachment(bytes(batch.sepa_file), "application/xml", f"{batch.reference}.xml")


def statement_response(
    request: HttpRequest, batch: PaymentBatch, professional: Professional
) -> HttpResponse:
    log_access(request, statement_patients(batch, professional), "indemnity statement")
    return _attachment(
        statement_pdf(batch, professional),
        "application/pdf",
        f"{batch.reference}-{professional.pk}.pdf",
    )


def listing_response(
    request: HttpRequest, batch: PaymentBatch, fmt: str
) -> StreamingHttpResponse | FileResponse:
    log_access_query(request, batch_patient_ids(batch), "indemnity batch listing")
    return table_response(
        batch_columns(batch),
        iterate(batch_rows(batch)),
        fmt=fmt,
        filename=batch.reference,
        title=batch.reference,
        created=batch.created_at,
        cells=batch_cells(batch),
    )
