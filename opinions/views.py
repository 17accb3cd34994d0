"""The pages of specialist opinions: asking (from the patient page), the request and its
answer, « Avis demandés » (a clinician's inbox), the coordinator's open requests, and the card
of the patient page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest, attempt, posted
from labparcours.permissions import require
from labparcours.uploads import serve_upload
from opinions import rules, services
from opinions.forms import AnswerForm, AskForm
from opinions.models import OpinionRequest, OpinionStatus
from opinions.selectors import (
    access_attachment,
    access_request,
    addressed_to,
    askable_specialists,
    asked_by,
    log_reads,
    open_requests,
    patient_requests,
)
from patients.models import Patient
from patients.selectors import access_patient

PAGE_SIZE = 25
CARD_ROWS = 6


def opinions_card_context(request: AuthenticatedHttpRequest, patient: Patient) -> dict[str, Any]:
    """The « Avis spécialisés » card of the patient page (`patient` came through the scope);
    showing the requests is a read of its own in the access log."""
    if not rules.can_read_opinions(request.user):
        return {}
    rows = list(patient_requests(patient)[: CARD_ROWS + 1])
    if rows:
        log_access(request, patient, "specialist opinions")
    return {
        "opinions": rows[:CARD_ROWS],
        "opinions_more": len(rows) > CARD_ROWS,
        "can_ask_opinion": rules.can_ask(request.user, patient),
    }


@login_required
def ask(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    """« Demander un avis »: a question to a specialist of the team or of the directory."""
    patient = access_patient(request, pk, what="specialist opinion (request)")
    require(rules.can_ask(request.user, patient))
    form = AskForm(
        posted(request),
        request.FILES or None,
        specialists=askable_specialists(patient, exclude=request.user),
    )
    created: list[OpinionRequest] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: created.append(
                services.opinion_ask(patient=patient, by=request.user, **form.cleaned_data)
            ),
            form=form,
            success=_("The question has been sent to the specialist."),
        )
    ):
        return redirect("opinions:detail", pk=created[0].pk)
    context = {"form": form, "patient": patient}
    return render(
        request, "opinions/opinion_form.html", context, status=400 if form.is_bound else 200
    )


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The request: the patient's identity, the question, its attachments, the answer (and
    the form to write it, for the asked specialist)."""
    opinion = access_request(request, pk, what="specialist opinion")
    return _detail(request, opinion, AnswerForm())


def _detail(
    request: AuthenticatedHttpRequest, opinion: OpinionRequest, form: AnswerForm, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "opinion": opinion,
        "patient": opinion.patient,
        "attachments": list(opinion.attachments.all()),
        "answer_form": form,
        "can_answer": opinion.status == OpinionStatus.OPEN and rules.can_answer(user, opinion),
        "can_close": opinion.status != OpinionStatus.CLOSED and rules.can_close(user, opinion),
        "can_pin": opinion.answered_at is not None
        and not opinion.via_grant  # type: ignore[attr-defined]
        and rules.can_pin(user, opinion),
        "via_grant": opinion.via_grant,  # type: ignore[attr-defined]
    }
    return render(request, "opinions/opinion_detail.html", context, status=status)


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opinion = access_request(request, pk, what="specialist opinion")
    require(rules.can_answer(request.user, opinion))
    form = AnswerForm(request.POST)
    if form.is_valid() and attempt(
        request,
        lambda: services.opinion_answer(
            request=opinion, by=request.user, answer=form.cleaned_data["answer"]
        ),
        form=form,
        success=_("Your answer has been sent to the team."),
    ):
        return redirect("opinions:detail", pk=opinion.pk)
    return _detail(request, opinion, form, status=400)


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opinion = access_request(request, pk, what="specialist opinion")
    require(rules.can_close(request.user, opinion))
    withdrawn = opinion.status == OpinionStatus.OPEN
    attempt(
        request,
        lambda: services.opinion_close(request=opinion, by=request.user),
        success=_("The request has been withdrawn.") if withdrawn else _("The request is closed."),
    )
    return redirect("opinions:detail", pk=opinion.pk)


@login_required
@require_POST
def pin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """« À discuter en SIC », or take the answer off the SIC's card (`pinned=0`)."""
    opinion = access_request(request, pk, what="specialist opinion")
    require(not opinion.via_grant and rules.can_pin(request.user, opinion))  # type: ignore[attr-defined]
    pinned = request.POST.get("pinned", "1") != "0"
    attempt(
        request,
        lambda: services.opinion_pin(request=opinion, by=request.user, pinned=pinned),
        success=_("The answer will be discussed at the next SIC.")
        if pinned
        else _("The answer is no longer on the SIC's agenda."),
    )
    return redirect("opinions:detail", pk=opinion.pk)


@login_required
def attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """An attachment of a request, as a download."""
    found = access_attachment(request, pk)
    return serve_upload(found.file, filename=found.download_name)


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Avis demandés »: the requests addressed to the clinician (open first), and those
    they asked that are not closed yet."""
    require(rules.has_opinion_inbox(request.user))
    page = Paginator(addressed_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = list(asked_by(request.user)[:PAGE_SIZE])
    log_reads(request, [*page, *mine], "specialist opinions")
    return render(request, "opinions/opinion_inbox.html", {"page": page, "mine": mine})


@login_required
def open_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The open requests across the programme, oldest first, with their age: the
    coordinator calls the specialists late to answer."""
    require(rules.can_follow_open_requests(request.user))
    rows = open_requests(request.user)
    if request.GET.get("vue") == "late":
        rows = rows.filter(due_at__lte=timezone.now())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    log_reads(request, page, "specialist opinions")
    context = {"page": page, "late_only": request.GET.get("vue") == "late"}
    return render(request, "opinions/opinion_list.html", context)
