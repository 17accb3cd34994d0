"""The pathway's pages: « Déclarer un événement », an event and its follow-up (the page the
notifications link to, with « Contact fait aujourd'hui »), its correction, and « Ruptures »."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest, attempt, posted
from labparcours.paging import uncounted_page
from labparcours.permissions import require
from patients.forms import (
    BreaksFilterForm,
    FollowUpContactForm,
    PathwayEventCorrectionForm,
    PathwayEventForm,
)
from patients.models import EXIT_EVENTS, PathwayEvent, Patient, PatientStatus
from patients.pathway import (
    breaks_of,
    event_of,
    followup_contact_record,
    open_breaks,
    patient_pathway,
)
from patients.rules import can_read_pathway, can_record_pathway, can_see_breaks
from patients.selectors import access_patient, visible_patients
from programme.workflows import pathway_event_correct_record, pathway_event_record

BREAKS_PAGE_SIZE = 50


def _event(request: AuthenticatedHttpRequest, pk: str, event_pk: int, what: str) -> PathwayEvent:
    """The event of a patient in scope (404 outside it, and for another patient's event)."""
    patient = access_patient(request, pk, what=what)
    require(can_read_pathway(request.user))
    event = event_of(patient, event_pk)
    if event is None:
        raise Http404
    event.patient = patient
    return event


@login_required
def event_new(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    """« Déclarer un événement »: a team member or the coordinator."""
    patient = access_patient(request, pk, what="pathway")
    require(can_record_pathway(request.user))
    form = PathwayEventForm(posted(request), initial={"kind": request.GET.get("type", "")})
    if request.method == "POST" and form.is_valid():
        recorded: list[PathwayEvent] = []
        if attempt(
            request,
            lambda: recorded.append(
                pathway_event_record(patient=patient, by=request.user, **form.event_fields())
            ),
            form=form,
            success=_("The event has been recorded."),
        ):
            event = recorded[0]
            if event.kind in EXIT_EVENTS:
                return redirect("patients:detail", pk=patient.pk)
            return redirect("patients:pathway_event", pk=patient.pk, event_pk=event.pk)
    return render(request, "patients/pathway_event_form.html", {"form": form, "patient": patient})


@login_required
def event_detail(request: AuthenticatedHttpRequest, pk: str, event_pk: int) -> HttpResponse:
    """An event, its follow-up windows and their contacts: where the notifications lead."""
    event = _event(request, pk, event_pk, "pathway")
    can_record = can_record_pathway(request.user)
    included = event.patient.status == PatientStatus.INCLUDED
    windows = list(event.windows.all())
    context: dict[str, Any] = {
        "event": event,
        "patient": event.patient,
        "windows": windows,
        "can_record": can_record,
        "can_contact": can_record and included,
        "history": event.history.select_related("history_user").order_by("-history_date")[:20],
    }
    return render(request, "patients/pathway_event_detail.html", context)


@login_required
def event_edit(request: AuthenticatedHttpRequest, pk: str, event_pk: int) -> HttpResponse:
    """Record the discharge of a stay, or correct an event; the history keeps the rest."""
    event = _event(request, pk, event_pk, "pathway")
    require(can_record_pathway(request.user))
    form = PathwayEventCorrectionForm(posted(request), instance=event)
    if request.method == "POST" and form.is_valid():
        fields = form.event_fields()
        event.refresh_from_db()
        if attempt(
            request,
            lambda: pathway_event_correct_record(event=event, by=request.user, **fields),
            form=form,
            success=_("The event has been updated."),
        ):
            return redirect("patients:pathway_event", pk=event.patient_id, event_pk=event.pk)
    return render(
        request,
        "patients/pathway_event_form.html",
        {"form": form, "patient": event.patient, "event": event},
    )


@login_required
@require_POST
def contact_record(request: AuthenticatedHttpRequest, pk: str, event_pk: int) -> HttpResponse:
    """« Contact fait aujourd'hui »: one tap (or another day, a note)."""
    event = _event(request, pk, event_pk, "pathway")
    require(can_record_pathway(request.user))
    form = FollowUpContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        attempt(
            request,
            lambda: followup_contact_record(
                patient=event.patient,
                kind=data["kind"],
                by=request.user,
                on=data["contacted_on"],
                note=data["note"],
            ),
            success=_("The contact has been recorded."),
        )
    return redirect("patients:pathway_event", pk=event.patient_id, event_pk=event.pk)


@login_required
def breaks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Ruptures »: the patients with an open break, oldest first — a window missed with no
    contact since, or a SIC overdue — how many days overdue; paged, never counted."""
    require(can_see_breaks(request.user))
    form = BreaksFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    page = uncounted_page(
        open_breaks(visible_patients(request.user), kind=kind),
        request.GET.get("page"),
        BREAKS_PAGE_SIZE,
    )
    rows = breaks_of(list(page))
    patients: list[Patient] = [row.patient for row in rows]
    log_access(request, patients, "pathway breaks")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "patients/breaks.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def pathway_card_context(request: AuthenticatedHttpRequest, patient: Patient) -> dict[str, Any]:
    """What the « Parcours » card of the patient page needs (`patient` came through the
    scope, and the page's read is logged)."""
    if not can_read_pathway(request.user):
        return {}
    return {
        "pathway": patient_pathway(patient),
        "can_record_pathway": can_record_pathway(request.user)
        and patient.status != PatientStatus.EXITED,
    }
