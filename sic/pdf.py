"""The SIC report in PDF, from the same content as the pages."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from sic.forms import labelled_content, medication_rows
from sic.models import ContributionStatus, Sic


def sic_report_context(sic: Sic) -> dict:
    contributions = sic.contributions.filter(status=ContributionStatus.SUBMITTED).select_related(
        "author"
    )
    return {
        "sic": sic,
        "patient": sic.patient,
        "contributions": [
            (c, labelled_content(c.kind, c.content), medication_rows(c.content))
            for c in contributions
        ],
        "attendances": sic.attendances.select_related("membership__professional"),
        "decisions": sic.decisions.all(),
        "generated_at": timezone.now(),
    }


def sic_report_pdf(sic: Sic) -> bytes:
    html = render_to_string("pdf/sic_report.html", sic_report_context(sic))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
