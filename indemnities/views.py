"""The indemnities' pages: a professional's « Mes indemnisations » (their ledger and bank
details) and the admin's « Indemnisations » (lines to approve, payment batches)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from indemnities import downloads, rules, selectors, services
from indemnities import reports as reports_data
from indemnities.exports import (
    period_columns,
    period_rows,
    professional_columns,
)
from indemnities.forms import (
    BankAccountForm,
    BatchBuildForm,
    ExportForm,
    LineFilterForm,
    MarkPaidForm,
    RateEndForm,
    RateForm,
    ReportForm,
)
from indemnities.models import IndemnityKind, IndemnityLine, IndemnityRate, LineState
from labparcours.access import log_access, log_access_query
from labparcours.charts import Point, bars_chart, columns_chart
from labparcours.http import AuthenticatedHttpRequest, attempt, posted
from labparcours.permissions import require
from labparcours.tabular import iterate, table_response
from patients.models import Patient
from teams.models import Profession, Professional

LINES_PAGE_SIZE = 50
APPROVAL_PAGE_SIZE = 100
# The totals a professional reads, in the order of the workflow.
TOTALS = (
    (LineState.ACCRUED, pgettext_lazy("indemnity totals", "To approve")),
    (LineState.APPROVED, pgettext_lazy("indemnity totals", "Approved")),
    (LineState.BATCHED, pgettext_lazy("indemnity totals", "In a payment batch")),
    (LineState.PAID, pgettext_lazy("indemnity totals", "Paid")),
)


# --- « Mes indemnisations » ---------------------------------------------------------------------


@login_required
def my_indemnities(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A professional's lines, their totals by state and their bank details."""
    require(rules.has_directory_entry(request.user))
    professional = request.user.professional
    if request.method == "POST":
        require(rules.receives_indemnities(professional))
    account = selectors.own_bank_account(professional)
    initial = {"holder": account.holder, "bic": account.bic} if account else {}
    form = BankAccountForm(posted(request), initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.bank_account_save(
                professional=professional, by=request.user, **form.cleaned_data
            ),
            form=form,
            success=_("Your bank details have been saved."),
        )
    ):
        return redirect("my_indemnities")
    context = _my_context(request, professional) | {"form": form, "account": account}
    return render(
        request, "indemnities/my_indemnities.html", context, status=400 if form.is_bound else 200
    )


def _my_context(request: AuthenticatedHttpRequest, professional: Professional) -> dict[str, Any]:
    page = Paginator(selectors.own_lines(request.user, professional), LINES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page)
    log_access(
        request, {line.patient for line in rows if line.patient}, "indemnities (patient initials)"
    )
    totals = services.totals_by_state(IndemnityLine.objects.filter(professional=professional))
    return {
        "professional": professional,
        "accrues": rules.receives_indemnities(professional),
        "totals": [(label, totals.get(state, 0)) for state, label in TOTALS],
        "page": page,
        "rows": rows,
        "statements": list(selectors.own_statements(request.user, professional)),
    }


@login_required
@require_GET
def my_statement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The professional's statement of a batch that pays them (PDF); another batch is 404."""
    require(rules.has_directory_entry(request.user))
    professional = request.user.professional
    batch = get_object_or_404(selectors.own_statements(request.user, professional), pk=pk)
    return downloads.statement_response(request, batch, professional)


# --- The admin's « Indemnisations » -------------------------------------------------------------


@login_required
@require_GET
def indemnities_admin(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(rules.can_manage(request.user))
    return _admin_page(request, BatchBuildForm())


def _admin_page(
    request: AuthenticatedHttpRequest, build_form: BatchBuildForm, status: int = 200
) -> HttpResponse:
    filters = LineFilterForm(request.GET or None)
    to_approve = filters.filter(selectors.lines_to_approve(request.user))
    page = Paginator(selectors.ordered_for_approval(to_approve), APPROVAL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page)
    log_access(
        request, {line.patient for line in rows if line.patient}, "indemnities (patient initials)"
    )
    context = {
        "filters": filters,
        "page": page,
        "groups": selectors.group_by_professional(to_approve, rows),
        "batches": list(selectors.batches(request.user)),
        "build_form": build_form,
        "paid_form": MarkPaidForm(),
        "query": request.GET.urlencode(),
    }
    return render(request, "indemnities/indemnities_admin.html", context, status=status)


def _back_to_admin(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    return redirect(reverse("indemnities_admin") + (f"?{query}" if query else ""))


@login_required
@require_POST
def lines_approve(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Valider »: every line to approve that the posted filters select."""
    require(rules.can_manage(request.user))
    filters = LineFilterForm(request.POST)
    if not filters.is_valid():
        messages.error(request, _("The filters are not valid: nothing was approved."))
        return _back_to_admin(request)
    approved = services.lines_approve(
        lines=filters.filter(selectors.lines_to_approve(request.user)), by=request.user
    )
    messages.success(
        request,
        ngettext("%(n)d line approved.", "%(n)d lines approved.", approved) % {"n": approved},
    )
    return _back_to_admin(request)


@login_required
@require_POST
def batch_build(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Constituer le lot »: on a refusal the page again, with what was typed."""
    require(rules.can_manage(request.user))
    form = BatchBuildForm(request.POST)
    if form.is_valid() and attempt(
        request, lambda: services.batch_build(by=request.user, **form.cleaned_data), form=form
    ):
        messages.success(request, _("The payment batch has been built."))
        return redirect("indemnities_admin")
    return _admin_page(request, form, status=400)


@login_required
@require_GET
def batch_sepa(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The batch's SEPA transfer file, the bytes written when it was built."""
    require(rules.can_manage(request.user))
    return downloads.sepa_response(selectors.access_batch(request.user, pk))


@login_required
@require_POST
def batch_mark_paid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(rules.can_manage(request.user))
    batch = selectors.access_batch(request.user, pk)
    form = MarkPaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the payment date and the bank's reference."))
    else:
        attempt(
            request,
            lambda: services.batch_mark_paid(batch=batch, by=request.user, **form.cleaned_data),
            success=_("The batch %(reference)s is marked paid.") % {"reference": batch.reference},
        )
    return redirect("indemnities_admin")


# --- The admin's reports ------------------------------------------------------------------------

REPORT_PATIENTS_SHOWN = 20


@login_required
@require_GET
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per period: per professional (counts by kind, total), per kind, per patient (initials),
    and the amounts per month and per profession in charts that lead to the figures' rows."""
    require(rules.can_manage(request.user))
    form = ReportForm(request.GET or ReportForm.defaults())
    if not form.is_valid():
        invalid = {"form": form, "export_form": ExportForm()}
        return render(request, "indemnities/reports.html", invalid, status=400)
    start, end, profession = (form.cleaned_data[k] for k in ("date_from", "date_to", "profession"))
    context: dict[str, Any] = report_context(start, end, profession)
    shown = context["patients"][:REPORT_PATIENTS_SHOWN]
    log_access(request, [Patient(pk=row["patient"]) for row in shown], "indemnity report")
    context.update(form=form, patients=shown, query=form.data)
    return render(request, "indemnities/reports.html", context)


def report_context(start: datetime.date, end: datetime.date, profession: str) -> dict[str, Any]:
    kinds = list(IndemnityKind.objects.all())
    professions = dict(Profession.choices)

    def report_url(**period: str) -> str:
        query = {"date_from": str(start), "date_to": str(end), "profession": profession, **period}
        return f"{reverse('indemnities_reports')}?{urlencode(query)}"

    per_month = {
        row["month"]: row["total"] for row in reports_data.by_month(start, end, profession)
    }
    per_profession = reports_data.by_profession(start, end, profession)
    month_points = [
        Point(
            date_format(month, "M Y"),
            per_month.get(month, Decimal(0)),
            report_url(date_from=str(max(month, start)), date_to=str(min(month_end(month), end))),
        )
        for month in months_between(start, end)
    ]
    profession_points = [
        Point(
            str(professions.get(row["professional__profession"], row["professional__profession"])),
            row["total"],
            report_url(profession=row["professional__profession"]),
        )
        for row in per_profession
    ]
    rows = reports_data.by_professional(start, end, profession, kinds)
    return {
        "start": start,
        "end": end,
        "kinds": kinds,
        "professionals": rows,
        "total": sum((row.total for row in rows), Decimal(0)),
        "per_kind": reports_data.by_kind(start, end, profession),
        "patients": reports_data.by_patient(start, end, profession),
        "months_chart": columns_chart(_("Amounts per month"), month_points),
        "professions_chart": bars_chart(_("Amounts per profession"), profession_points),
        "month_points": month_points,
        "profession_points": profession_points,
        "export_form": ExportForm(
            initial={"date_from": start, "date_to": end, "profession": profession}
        ),
    }


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from `start`'s to `end`'s, none missing."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = month_end(month) + datetime.timedelta(days=1)
    return months


def month_end(first: datetime.date) -> datetime.date:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@login_required
@require_GET
def report_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """A report's rows as a file: per professional, or every line of the period with its
    state (a logged read of each patient it names, by initials)."""
    require(rules.can_manage(request.user))
    form = ExportForm(request.GET)
    if not form.is_valid():
        invalid = {"form": ReportForm(ReportForm.defaults()), "export_form": form}
        return render(request, "indemnities/reports.html", invalid, status=400)
    data = form.cleaned_data
    start, end, profession = data["date_from"], data["date_to"], data["profession"]
    if data["what"] == "professionnels":
        kinds = list(IndemnityKind.objects.all())
        columns = professional_columns(kinds)
        rows: Iterable[Any] = reports_data.by_professional(start, end, profession, kinds)
    else:
        lines = reports_data.period_lines(start, end, profession)
        log_access_query(
            request,
            lines.filter(patient__isnull=False).values_list("patient", flat=True),
            "indemnity report",
        )
        columns, rows = period_columns(), iterate(period_rows(lines))
    return table_response(
        columns,
        rows,
        fmt=data["format"],
        filename=f"indemnites-{data['what']}-{start}-{end}",
        title=str(_("Indemnities")),
    )


# --- Rates -------------------------------------------------------------------------------------


@login_required
def rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rates of every kind of work, with their validity; a new rate. A rate never changes
    what has accrued: each line keeps the amount of its day."""
    require(rules.can_manage(request.user))
    form = RateForm(posted(request))
    if form.is_bound and form.is_valid():
        rate = form.save()
        messages.success(
            request,
            _("Rate of « %(kind)s » recorded from %(day)s.")
            % {
                "kind": rate.kind,
                "day": date_format(rate.valid_from, "j F Y"),
            },
        )
        return redirect("indemnities_rates")
    return _rates_page(request, form, status=400 if form.is_bound else 200)


def _rates_page(
    request: AuthenticatedHttpRequest, form: RateForm, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    all_rates = list(
        IndemnityRate.objects.select_related("kind").order_by(
            "kind__position", "kind__label", "profession", "-valid_from"
        )
    )
    for rate in all_rates:
        rate.in_force = rate.valid_from <= today and (  # type: ignore[attr-defined]
            rate.valid_until is None or rate.valid_until >= today
        )
    context = {"form": form, "rates": all_rates, "end_form": RateEndForm()}
    return render(request, "indemnities/rates.html", context, status=status)


@login_required
@require_POST
def rate_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """End a rate on a day (a new one usually follows it)."""
    require(rules.can_manage(request.user))
    rate = get_object_or_404(IndemnityRate, pk=pk)
    form = RateEndForm(request.POST)
    if form.is_valid():
        rate.valid_until = form.cleaned_data["valid_until"]
        try:
            rate.full_clean()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            rate.save(update_fields=["valid_until"])
            messages.success(
                request,
                _("The rate now ends on %(day)s.")
                % {"day": date_format(rate.valid_until, "j F Y")},
            )
    else:
        messages.error(request, _("Please give the rate's last day."))
    return redirect("indemnities_rates")


# --- A batch, checked before it is paid ---------------------------------------------------------


@login_required
@require_GET
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A batch, checked: what it pays each professional and on which account (masked), the
    statements, the listing and the SEPA file, and marking it paid."""
    require(rules.can_manage(request.user))
    batch = get_object_or_404(selectors.batches(request.user), pk=pk)
    context = {
        "batch": batch,
        "payees": selectors.batch_payees(batch),
        "paid_form": MarkPaidForm(),
    }
    return render(request, "indemnities/batch_detail.html", context)


@login_required
@require_GET
def batch_statement(request: AuthenticatedHttpRequest, pk: int, professional: int) -> HttpResponse:
    """One professional's statement of the batch (PDF), for the admin to check or send."""
    require(rules.can_manage(request.user))
    batch = selectors.access_batch(request.user, pk)
    payees = Professional.objects.filter(indemnity_lines__batch_line__batch=batch).distinct()
    payee = get_object_or_404(payees, pk=professional)
    return downloads.statement_response(request, batch, payee)


@login_required
@require_GET
def batch_listing(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The batch's lines, a row each (CSV streamed, or XLSX), the same bytes every time."""
    require(rules.can_manage(request.user))
    if fmt not in ("csv", "xlsx"):
        raise Http404
    batch = selectors.access_batch(request.user, pk)
    return downloads.listing_response(request, batch, fmt)
