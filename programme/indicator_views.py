"""The indicators' pages: the figures at a glance, the patients behind each figure, the
funder's report, the evaluators' export and the patients' experience summarised."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from labparcours.access import log_access, log_access_query
from labparcours.http import AuthenticatedHttpRequest
from labparcours.paging import uncounted_page
from labparcours.permissions import require
from labparcours.roles import PROGRAMME_STAFF
from labparcours.tabular import XLSX_TYPE
from programme.dashboard import context, dashboard
from programme.evaluation import evaluation_zip
from programme.experience import experience_summary
from programme.forms import (
    PARTS,
    EvaluatorExportForm,
    ExperienceFilterForm,
    IndicatorFilterForm,
    ReportForm,
)
from programme.indicator_charts import shares_chart
from programme.indicators import INDICATOR_OF, Filters, cohort
from programme.models import ExportKind, ExportRecord
from programme.pseudonym import PseudonymKeyMissing, pseudonym_key
from programme.report import report_pdf, report_xlsx
from programme.rules import (
    can_export_for_evaluators,
    can_read_experience_summary,
    can_see_indicators,
)

PAGE_SIZE = 50
# The indicators page's query key that computes the figures again instead of reading them kept.
FRESH = "recalculer"


@login_required
def indicators(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Indicateurs »: every figure of the cohort over the period, as cards and charts.
    Aggregates only: no patient is read here (the lists behind the figures log theirs)."""
    require(can_see_indicators(request.user))
    form = IndicatorFilterForm(request.GET or None)
    if request.htmx:
        # The GP search as the user types: the GPs found, not the figures.
        return render(request, "programme/indicators.html#gp-choice", {"form": form})
    if form.is_bound and not form.is_valid():
        return render(request, "programme/indicators.html", {"form": form}, status=400)
    # The figures kept a few minutes per scope and filter set; « Recalculer » asks again.
    board = dashboard(request.user, form.filters(), kept=True, fresh=FRESH in request.GET)
    return render(
        request,
        "programme/indicators.html",
        {
            "form": form,
            "fresh": FRESH,
            "keep_minutes": settings.LABPARCOURS_INDICATORS_KEEP_SECONDS // 60,
            **context(board),
        },
    )


@login_required
def indicator_patients(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """The patients behind a figure: its numerator, or the rest of its denominator; paged,
    never counted, each patient shown logged as a list read."""
    require(can_see_indicators(request.user))
    indicator = INDICATOR_OF.get(key)
    if indicator is None:
        raise Http404
    form = IndicatorFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "programme/indicator_patients.html",
            {"form": form, "indicator": indicator},
            status=400,
        )
    f = form.filters()
    part = request.GET.get("part", "numerator")
    if part not in PARTS:
        part = "numerator"
    rows = indicator.patients(cohort(request.user, f), f, part).order_by(
        "last_name", "first_name", "pk"
    )
    page = uncounted_page(rows, request.GET.get("page"), PAGE_SIZE)
    log_access(request, list(page), "indicator patients")
    query = urlencode({**f.query(), "part": part})
    return render(
        request,
        "programme/indicator_patients.html",
        {
            "form": form,
            "indicator": indicator,
            "filters": f,
            "part": part,
            "page": page,
            "query": query,
            "back": urlencode(f.query()),
        },
    )


# --- The funder's report ----------------------------------------------------------------------


@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The periodic activity report: the form, then the figures as PDF or XLSX. Figures
    only (no patient), recorded as an export."""
    require(can_see_indicators(request.user))
    if "format" not in request.GET:
        form = ReportForm(request.GET or None)
        return render(request, "programme/indicator_report.html", {"form": form})
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "programme/indicator_report.html", {"form": form}, status=400)
    f = form.filters()
    fmt = form.cleaned_data["format"]
    board = dashboard(request.user, f)
    ExportRecord.objects.create(
        kind=ExportKind.FUNDER_REPORT,
        by=request.user,
        filters=f.query(),
        file_format=fmt,
        patients=cohort(request.user, f).count(),
    )
    name = f"rapport-activite-{f.start:%Y%m%d}-{f.end:%Y%m%d}"
    if fmt == "pdf":
        response = HttpResponse(report_pdf(board), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(report_xlsx(board), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- The evaluators' export -------------------------------------------------------------------


@login_required
def evaluator_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The pseudonymised export (admin): the form, then the zip. Refused while no key is
    set; each export recorded (who, when, which filters) and each patient's read logged."""
    require(can_export_for_evaluators(request.user))
    try:
        key = pseudonym_key()
    except PseudonymKeyMissing:
        context = {"form": EvaluatorExportForm(), "no_key": True}
        return render(request, "programme/evaluator_export.html", context, status=503)
    if "du" not in request.GET:
        default = Filters.default()
        form = EvaluatorExportForm(initial={"du": default.start, "au": default.end})
        return render(request, "programme/evaluator_export.html", {"form": form})
    form = EvaluatorExportForm(request.GET)
    if not form.is_valid():
        return render(request, "programme/evaluator_export.html", {"form": form}, status=400)
    f = form.filters()
    free_texts = form.cleaned_data["textes_libres"]
    patients = cohort(request.user, f)
    ExportRecord.objects.create(
        kind=ExportKind.EVALUATION,
        by=request.user,
        filters=f.query(),
        free_texts=free_texts,
        file_format="zip",
        patients=patients.count(),
    )
    log_access_query(request, patients.values_list("pk", flat=True), "evaluation export")
    return FileResponse(
        evaluation_zip(patients, key=key, free_texts=free_texts),
        as_attachment=True,
        filename=f"evaluation-{f.start:%Y%m%d}-{f.end:%Y%m%d}.zip",
        content_type="application/zip",
    )


# --- The patients' experience -----------------------------------------------------------------


@login_required
def experience(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What patients tick on their experience form, counted per quarter, without identities:
    for the coordination and the patient partners."""
    require(can_read_experience_summary(request.user))
    form = ExperienceFilterForm(request.GET or None)
    f = form.filters() if form.is_valid() else Filters.default()
    # The coordination reads the forms of its teams' patients anyway; a patient partner reads
    # finished quarters only (programme.experience).
    current = request.user.role in PROGRAMME_STAFF
    summary = experience_summary(f, current=current)
    forms = summary.total_forms.shown or 0
    charts = {
        "priorities": shares_chart(
            _("What matters most"),
            [
                (t.label, t.total.shown, t.total.text)
                for t in summary.priorities
                if t.total.shown is not None
            ],
            forms,
            "#priorities-table",
        ),
        "difficulties": shares_chart(
            _("Difficulties named"),
            [
                (t.label, t.total.shown, t.total.text)
                for t in summary.difficulties
                if t.total.shown is not None
            ],
            forms,
            "#difficulties-table",
        ),
    }
    return render(
        request,
        "programme/experience_summary.html",
        {
            "form": form,
            "filters": f,
            "summary": summary,
            "charts": charts,
            "current": current,
        },
        status=200 if not form.is_bound or form.is_valid() else 400,
    )
