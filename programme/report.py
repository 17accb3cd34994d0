"""The periodic activity report for the funders (Assurance Maladie, ARS): the indicators of a
period, as a PDF (WeasyPrint, from `templates/pdf/indicators_report.html`) and as a workbook
(xlsxwriter), both from the indicators page's own `Dashboard`. Figures only: no patient."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from labparcours.pdf import html_to_pdf
from programme.dashboard import SHORT_PATHWAY, Dashboard, context, shown_ratio, shown_value
from programme.indicators import CONSUMPTION_DEFINITION, SECTIONS


def report_pdf(board: Dashboard) -> bytes:
    html = render_to_string(
        "pdf/indicators_report.html", {**context(board), "generated_at": timezone.now()}
    )
    return html_to_pdf(html)


def report_xlsx(board: Dashboard) -> bytes:
    """Three sheets: the indicators with their definitions, the charted shares per quarter,
    pathway and team, the envelope's consumption per category."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties(
        {"title": _("Activity report"), "created": timezone.now().replace(tzinfo=None)}
    )
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    money = book.add_format({"num_format": '#,##0.00 "€"'})
    f = board.filters

    sheet = book.add_worksheet(_("Indicators")[:31])
    sheet.write_row(0, 0, [_("Period"), f"{f.start:%d/%m/%Y} – {f.end:%d/%m/%Y}"], bold)
    headers = [
        _("Section"),
        _("Key"),
        _("Indicator"),
        _("Numerator"),
        _("Denominator"),
        _("Value"),
        _("Shown as"),
        _("Definition"),
    ]
    sheet.write_row(2, 0, [str(h) for h in headers], bold)
    titles = {key: str(title) for key, title in SECTIONS}
    for line, result in enumerate(board.results, start=3):
        ind, fig = result.indicator, result.figure
        sheet.write_string(line, 0, titles.get(ind.section, ""))
        sheet.write_string(line, 1, ind.key)
        sheet.write_string(line, 2, str(ind.label))
        _number(sheet, line, 3, fig.numerator)
        _number(sheet, line, 4, fig.denominator)
        _number(sheet, line, 5, fig.value)
        sheet.write_string(line, 6, f"{shown_value(result)} ({shown_ratio(result)})")
        sheet.write_string(line, 7, str(ind.definition), wrap)
    sheet.set_column(0, 1, 16)
    sheet.set_column(2, 2, 44)
    sheet.set_column(3, 6, 14)
    sheet.set_column(7, 7, 80)

    sheet = book.add_worksheet(_("Breakdowns")[:31])
    line = 0
    for title, rows in (
        (_("Per quarter"), board.quarters),
        (_("Per pathway"), board.pathways),
        (_("Per team (its GP)"), board.teams),
    ):
        sheet.write_string(line, 0, str(title), bold)
        line += 1
        sheet.write_row(line, 0, ["", *[str(ind.label) for ind in board.charted]], bold)
        for name, figures in rows:
            line += 1
            sheet.write_string(line, 0, name)
            for col, fig in enumerate(figures, start=1):
                _number(sheet, line, col, fig.value)
        line += 2
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, len(board.charted), 30)

    sheet = book.add_worksheet(_("Envelope")[:31])
    use = board.consumption
    sheet.write_row(0, 0, [_("Allotted"), _("Spent"), _("Share (%)")], bold)
    sheet.write_number(1, 0, float(use.allotted), money)
    sheet.write_number(1, 1, float(use.spent), money)
    _number(sheet, 1, 2, use.share)
    sheet.write_row(3, 0, [_("Category"), _("Spent"), _("Share (%)")], bold)
    for line, cat in enumerate(use.categories, start=4):
        sheet.write_string(line, 0, cat.category.name)
        sheet.write_number(line, 1, float(cat.spent), money)
        _number(sheet, line, 2, cat.share)
    sheet.write_string(len(use.categories) + 5, 0, str(CONSUMPTION_DEFINITION))
    sheet.set_column(0, 2, 22)
    book.close()
    return out.getvalue()


def _number(sheet: Any, row: int, col: int, value: object) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    else:
        sheet.write_number(row, col, float(value))  # type: ignore[arg-type]


__all__ = ["SHORT_PATHWAY", "report_pdf", "report_xlsx"]
