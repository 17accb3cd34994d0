"""The budget's pages: the envelope card of the patient page, prescribing, « Demandes à
valider », recording an expense and its invoice, and the patient's « Mes soins de support »."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budget import rules, services
from budget.forms import ExpenseForm, PrescriptionForm, RefusalForm, WaitingFilterForm
from budget.models import CareRequestStatus, SupplementaryCare
from budget.selectors import (
    access_expense,
    access_request,
    patient_budget,
    remaining_by_envelope,
    waiting_requests,
    with_sessions_done,
)
from labparcours.access import log_access
from labparcours.errors import DomainError
from labparcours.http import AuthenticatedHttpRequest, attempt, posted, safe_next
from labparcours.links import pages
from labparcours.models import User
from labparcours.permissions import require
from labparcours.uploads import serve_upload
from patients.models import Patient
from patients.rules import has_own_record
from patients.selectors import access_patient, own_patient

WAITING_PAGE_SIZE = 50
OPEN = frozenset({CareRequestStatus.REQUESTED, CareRequestStatus.APPROVED})


def budget_card_context(request: AuthenticatedHttpRequest, patient: Patient) -> dict[str, Any]:
    """What the envelope card of the patient page needs (`patient` came through the scope);
    showing the envelope is a read of its own in the access log."""
    budget = patient_budget(patient)
    user = request.user
    if budget is not None:
        log_access(request, patient, "supplementary-care budget")
        for care in budget.requests:
            care.can_cancel = care.status in OPEN and rules.can_cancel(user, care.prescriber_id)  # type: ignore[attr-defined]
            care.can_spend = (  # type: ignore[attr-defined]
                care.status == CareRequestStatus.APPROVED
                and care.sessions_done < care.sessions  # type: ignore[attr-defined]
                and rules.can_record_expense(user)
            )
    return {
        "budget": budget,
        "can_prescribe": rules.can_prescribe(user, patient),
        "can_record_expense": rules.can_record_expense(user),
        "can_read_invoice": rules.can_read_invoice(user),
        "can_decide": rules.can_decide(user),
    }


# --- Prescribing --------------------------------------------------------------------------------


@login_required
def prescribe(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    """« Prescrire des soins de support », from the patient page or a care-plan action."""
    patient = access_patient(request, pk, what="supplementary care (prescription)")
    require(rules.can_prescribe(request.user, patient))
    form = PrescriptionForm(
        posted(request), patient=patient, initial={"action": request.GET.get("action")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            lambda: services.supplementary_care_request(
                patient=patient, prescriber=request.user, **data
            ),
            form=form,
            success=_("The request has been sent to the coordinator."),
        ):
            return redirect("patients:detail", pk=patient.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "budget/prescription_form.html", {"form": form, "patient": patient}, status=status
    )


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    care = access_request(request, pk, what="supplementary care (cancellation)")
    require(rules.can_cancel(request.user, care.prescriber_id))
    attempt(
        request,
        lambda: services.supplementary_care_cancel(request=care, by=request.user),
        success=_("The request has been cancelled."),
    )
    return redirect("patients:detail", pk=care.envelope.patient_id)


# --- « Demandes à valider » ---------------------------------------------------------------------


@login_required
def waiting(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every request waiting for the coordinator, oldest first, with what is left on its
    envelope beside it."""
    require(rules.can_decide(request.user))
    all_waiting = waiting_requests(request.user)
    form = WaitingFilterForm(request.GET or None, waiting=all_waiting)
    page = Paginator(form.filter(all_waiting), WAITING_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    log_access(request, {care.envelope.patient for care in rows}, "supplementary care requests")
    _dress(request.user, rows)
    context = {"form": form, "page": page, "rows": rows, "refusal_form": RefusalForm()}
    return render(request, "budget/waiting_list.html", context | _row_context())


def _dress(user: User, rows: list[SupplementaryCare]) -> None:
    """What a row of « Demandes à valider » shows beside the request: what is left on its
    envelope (one query for the page) and its links, each a path filled in
    (`labparcours.links`: a `{% url %}` per link cost more than the page's SQL)."""
    remaining = remaining_by_envelope(user, {care.envelope_id for care in rows})
    patient, approve, refuse = (
        pages("patients:detail", uuid.UUID),
        pages("budget:approve", int),
        pages("budget:refuse", int),
    )
    for care in rows:
        care.remaining = remaining.get(care.envelope_id)  # type: ignore[attr-defined]
        care.patient_link = patient(care.envelope.patient_id)  # type: ignore[attr-defined]
        care.approve_link = approve(care.pk)  # type: ignore[attr-defined]
        care.refuse_link = refuse(care.pk)  # type: ignore[attr-defined]


def _row_context() -> dict[str, str]:
    """What every row of « Demandes à valider » shares: the icons' sprite."""
    return {"sprite": static("img/icons.svg")}


def _decided(
    request: AuthenticatedHttpRequest,
    care: SupplementaryCare,
    command: Callable[[], SupplementaryCare],
    success: str,
    refusal_form: RefusalForm | None = None,
) -> HttpResponse:
    """The decision's answer: with htmx the row in its new state (or with the refusal's
    message), without it a message and the list again."""
    error = ""
    try:
        care = command()
    except DomainError as exc:
        error = exc.message
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, success)
        return redirect(safe_next(request, "budget:waiting"))
    _dress(request.user, [care])
    context = {"care": care, "error": error, "refusal_form": refusal_form or RefusalForm()}
    return render(request, "budget/waiting_list.html#row", context | _row_context())


def _decidable(request: AuthenticatedHttpRequest, pk: int) -> SupplementaryCare:
    care = access_request(request, pk, what="supplementary care (decision)")
    require(rules.can_decide(request.user))
    return care


@login_required
@require_POST
def approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    care = _decidable(request, pk)
    return _decided(
        request,
        care,
        lambda: services.supplementary_care_approve(request=care, by=request.user),
        _("The request has been approved."),
    )


@login_required
@require_POST
def refuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    care = _decidable(request, pk)
    form = RefusalForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _decided(
        request,
        care,
        lambda: services.supplementary_care_refuse(request=care, by=request.user, reason=reason),
        _("The request has been refused."),
        refusal_form=form,
    )


# --- Expenses -----------------------------------------------------------------------------------


@login_required
def expense_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record sessions done and the provider's invoice on an approved request."""
    care = access_request(request, pk, what="supplementary care (expense)")
    require(rules.can_record_expense(request.user))
    care = with_sessions_done(SupplementaryCare.objects.filter(pk=care.pk)).select_related(
        "envelope__patient", "category", "provider__professional", "prescriber"
    )[0]
    form = ExpenseForm(posted(request), request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.expense_record(request=care, by=request.user, **form.cleaned_data),
            form=form,
            success=_("The expense has been recorded."),
        )
    ):
        return redirect("patients:detail", pk=care.envelope.patient_id)
    context = {
        "form": form,
        "care": care,
        "patient": care.envelope.patient,
        "left": care.amount - care.amount_spent,  # type: ignore[attr-defined]
        "sessions_left": care.sessions - care.sessions_done,  # type: ignore[attr-defined]
    }
    return render(
        request, "budget/expense_form.html", context, status=400 if form.is_bound else 200
    )


@login_required
def invoice(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The provider's invoice of an expense, as a download."""
    expense = access_expense(request, pk, what="supplementary care (invoice)")
    require(rules.can_read_invoice(request.user))
    return serve_upload(expense.invoice, filename=expense.invoice_filename())


# --- The patient's side -------------------------------------------------------------------------


@login_required
def my_care(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Mes soins de support »: what was granted to the patient, in plain words."""
    require(has_own_record(request.user))
    patient = own_patient(request, what="supplementary care")
    return render(request, "budget/my_care.html", my_care_context(patient, request.user))


def my_care_context(patient: Patient, user: User) -> dict[str, Any]:
    return {
        "patient": patient,
        "budget": patient_budget(patient),
        "show_prices": rules.can_see_prices(user),
    }
