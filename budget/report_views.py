"""Programme management's pages of the budget: the overview with its charts, the rows behind
each figure, and the exports of a period. For the programme's admin (DESIGN.md: "exports of
indemnities and budgets"); the coordinator decides requests on their own pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget import charts, reports
from budget.exports import EXPORTS, patient_ids
from budget.models import (
    BudgetCategory,
    BudgetEnvelope,
    CareRequestStatus,
    ExpenseStatus,
    MovementKind,
)
from labparcours.access import log_access, log_access_query
from labparcours.http import AuthenticatedHttpRequest
from labparcours.permissions import is_programme_management, require
from labparcours.tabular import iterate, table_response
from patients.models import Pathway, Patient

PAGE_SIZE = 50


def _who(envelope: BudgetEnvelope) -> str:
    return _("%(initials)s, year %(year)s") % {
        "initials": envelope.patient.initials,
        "year": envelope.year,
    }


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Consumption per category × pathway × quarter, envelopes nearly spent, money committed
    but unspent for 90 days."""
    require(is_programme_management(request.user))
    data = reports.overview(request.user)
    shown = [e.patient for e in data.nearly_spent] + [r.envelope.patient for r in data.unspent]
    log_access(request, {p.pk: p for p in shown}.values(), "budget overview")
    quarters = data.consumption.quarters
    context = {
        "data": data,
        "quarters_chart": charts.quarters_chart(data.consumption),
        "pathways_chart": charts.pathways_chart(data.consumption, quarters[0]),
        "gauges_chart": charts.gauges_chart(data.nearly_spent, _who),
        "quarter_rows": _quarter_table(data.consumption),
        "pathway_rows": [
            (code, label, data.consumption.by_pathway(code)) for code, label in Pathway.choices
        ],
        "since": reports.quarter_key(quarters[0]),
        "total": data.consumption.total(),
    }
    return render(request, "budget/overview.html", context)


def _quarter_table(data: reports.Consumption) -> list[dict[str, Any]]:
    """The table behind the quarters chart: a row per quarter and category that moved."""
    rows = []
    for quarter in data.quarters:
        for cat in data.categories:
            cell = data.by_quarter_and_category(quarter, cat.pk)
            if cell.committed or cell.spent or cell.paid:
                rows.append(
                    {
                        "quarter": charts.quarter_label(quarter),
                        "key": reports.quarter_key(quarter),
                        "category": cat,
                        "cell": cell,
                    }
                )
    return rows


# --- The rows behind a figure -------------------------------------------------------------------


class RowFilterForm(forms.Form):
    categorie = forms.IntegerField(required=False, min_value=1)
    parcours = forms.ChoiceField(required=False, choices=[("", "")] + list(Pathway.choices))
    trimestre = forms.RegexField(required=False, regex=reports.QUARTER_RE)
    depuis = forms.RegexField(required=False, regex=reports.QUARTER_RE)
    etat = forms.ChoiceField(required=False)
    enveloppe = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data: Any, states: Iterable[tuple[str, Any]]) -> None:
        super().__init__(data)
        state = self.fields["etat"]
        assert isinstance(state, forms.ChoiceField)  # noqa: S101 — declared above
        state.choices = [("", ""), *states]

    def row_filter(self) -> reports.RowFilter:
        data = self.cleaned_data
        return reports.RowFilter(
            category=data["categorie"],
            pathway=data["parcours"],
            quarter=reports.parse_quarter(data["trimestre"]),
            state=data["etat"],
            envelope=data["enveloppe"],
            since=reports.parse_quarter(data["depuis"]),
        )


LISTS = {
    "movements": (
        gettext_lazy("Ledger movements"),
        reports.movement_rows,
        list(MovementKind.choices),
        "envelope.patient",
    ),
    "requests": (
        gettext_lazy("Supplementary care requests"),
        reports.request_rows,
        [
            *CareRequestStatus.choices,
            (reports.UNSPENT_STATE, gettext_lazy("Committed, no expense for 90 days")),
        ],
        "envelope.patient",
    ),
    "expenses": (
        gettext_lazy("Expenses"),
        reports.expense_rows,
        list(ExpenseStatus.choices),
        "request.envelope.patient",
    ),
}


def _patient(row: Any, path: str) -> Patient:
    for step in path.split("."):
        row = getattr(row, step)
    return row


def _rows(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    require(is_programme_management(request.user))
    title, rows_of, states, patient_path = LISTS[kind]
    form = RowFilterForm(request.GET, states)
    if not form.is_valid():
        context = {"title": title, "kind": kind, "form": form, "page": None}
        return render(request, "budget/report_rows.html", context, status=400)
    row_filter = form.row_filter()
    page = Paginator(rows_of(request.user, row_filter), PAGE_SIZE).get_page(request.GET.get("page"))
    patients = {p.pk: p for p in (_patient(row, patient_path) for row in page)}
    log_access(request, patients.values(), "budget rows")
    context = {
        "title": title,
        "kind": kind,
        "form": form,
        "page": page,
        "query": urlencode(row_filter.query()),
        "filters": _described(row_filter, dict(states)),
    }
    return render(request, "budget/report_rows.html", context)


def _described(f: reports.RowFilter, states: dict[str, Any]) -> list[str]:
    """The filters in words, above the rows."""
    words = []
    if f.category:
        category = BudgetCategory.objects.filter(pk=f.category).first()
        words.append(category.name if category else "?")
    if f.pathway:
        words.append(str(Pathway(f.pathway).label))
    if f.quarter:
        words.append(charts.quarter_label(f.quarter))
    if f.since:
        words.append(_("since %(quarter)s") % {"quarter": charts.quarter_label(f.since)})
    if f.state:
        words.append(str(states.get(f.state, f.state)))
    if f.envelope:
        words.append(_("envelope no. %(n)s") % {"n": f.envelope})
    return words


@login_required
def movements(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _rows(request, "movements")


@login_required
def requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _rows(request, "requests")


@login_required
def expenses(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _rows(request, "expenses")


# --- Exports ----------------------------------------------------------------------------------


class ExportForm(forms.Form):
    quoi = forms.ChoiceField(
        label=gettext_lazy("What"),
        choices=[
            ("demandes", gettext_lazy("Requests")),
            ("depenses", gettext_lazy("Expenses")),
            ("mouvements", gettext_lazy("Ledger movements")),
        ],
    )
    du = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel)")]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("du"), data.get("au")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period comes before its start."))
        if start and end and (end - start).days > 366 * 5:
            raise forms.ValidationError(_("Export at most five years at a time."))
        return data


@login_required
def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The export form; filled in, the file: CSV streamed, XLSX written to a temporary file.
    Each patient whose data the file holds gets a read in the access log."""
    require(is_programme_management(request.user))
    if not request.GET:
        today = timezone.localdate()
        initial = {"du": reports.quarter_start(today), "au": today, "format": "csv"}
        return render(request, "budget/report_export.html", {"form": ExportForm(initial=initial)})
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "budget/report_export.html", {"form": form}, status=400)
    data = form.cleaned_data
    what = EXPORTS[data["quoi"]]
    start, end = data["du"], data["au"]
    log_access_query(request, patient_ids(what, request.user, start, end), "budget export")
    return table_response(
        what.columns,
        iterate(what.rows(request.user, start, end)),
        fmt=data["format"],
        filename=f"budget-{what.slug}-{start:%Y%m%d}-{end:%Y%m%d}",
        title=what.slug,
    )
