"""The SIC report in PDF, from the same content as the pages: what was decided first, then
the minutes, who attended, and the contributions that prepared it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from labparcours.errors import InvalidTransition
from labparcours.pdf import html_to_pdf
from sic.forms import hospitalisation_rows, labelled_content, medication_rows
from sic.models import ContributionStatus, Sic, SicStatus


def sic_report_context(sic: Sic) -> dict:
    contributions = sic.contributions.filter(status=ContributionStatus.SUBMITTED).select_related(
        "author"
    )
    return {
        "sic": sic,
        "patient": sic.patient,
        "contributions": [
            (
                c,
                labelled_content(c.kind, c.content),
                medication_rows(c.content),
                hospitalisation_rows(c.content),
            )
            for c in contributions
        ],
        "attendances": sic.attendances.select_related("membership__professional"),
        "decisions": sic.decisions.all(),
        "generated_at": timezone.now(),
    }


def sic_report_pdf(sic: Sic) -> bytes:
    """The report of a held SIC. Raises `InvalidTransition` for one not held yet: before
    the meeting there is nothing to report (no minutes, no decision)."""
    if sic.status != SicStatus.HELD:
        raise InvalidTransition(
            gettext("The SIC report exists once the SIC is recorded as held."), code="not_held"
        )
    html = render_to_string("pdf/sic_report.html", sic_report_context(sic))
    return html_to_pdf(html)
