from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from labparcours.access import log_access
from labparcours.cache import PROGRAMME_FIGURES, generation
from labparcours.http import AuthenticatedHttpRequest, attempt, posted
from labparcours.paging import RowCount, UncountedPage, counted_page
from labparcours.permissions import acts_for_patient, can_see_programme, is_patient_side, require
from opinions.rules import can_read_opinions
from opinions.selectors import pinned_for_sic
from patients.selectors import access_patient
from sic.charts import clinical_context
from sic.forms import (
    CancelForm,
    HoldForm,
    PatientExperienceForm,
    ScheduleForm,
    contribution_form,
    hospitalisation_rows,
    labelled_content,
    medication_rows,
)
from sic.models import Attendance, Contribution, ContributionKind, Sic, SicStatus
from sic.pdf import sic_report_pdf
from sic.rules import can_read_sic_report, can_write_patient_form
from sic.selectors import (
    access_sic,
    calendar_figures,
    contribution_for,
    expected_contributions,
    pinned_for,
    starting_content,
    visible_sics,
    with_contribution_counts,
)
from sic.services import (
    contribution_save,
    sic_attendance_answer,
    sic_cancel,
    sic_hold,
    sic_schedule,
)
from teams.rules import can_lead_team

PAGE_SIZE = 25
VIEWS = {
    "overdue": gettext_lazy("Overdue"),
    "to_record": gettext_lazy("To record"),
    "due": gettext_lazy("Due within 30 days"),
    "scheduled": gettext_lazy("Scheduled SICs"),
    "held": gettext_lazy("SICs held"),
}


@login_required
def sic_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The programme's SIC calendar: overdue, due soon, scheduled, held."""
    require(can_see_programme(request.user))
    view = request.GET.get("vue", "overdue")
    sics = (
        with_contribution_counts(visible_sics(request.user))
        .select_related("patient")
        .order_by("due_date", "pk")
    )
    today = timezone.localdate()
    if view == "due":
        sics = sics.due_within(30, today)
    elif view == "to_record":
        sics = sics.to_record().order_by("scheduled_at")
    elif view == "scheduled":
        sics = sics.filter(status=SicStatus.SCHEDULED).order_by("scheduled_at")
    elif view == "held":
        sics = sics.filter(status=SicStatus.HELD).order_by("-held_at")
    else:
        view, sics = "overdue", sics.overdue(today)
    page: Page | UncountedPage
    row_count: RowCount | None = None
    if view == "held":
        # Every SIC ever held: counted exactly only while few (labparcours.paging).
        page, row_count = counted_page(
            sics,
            request.GET.get("page"),
            PAGE_SIZE,
            key=f"sic-held:{request.user.pk}:{generation(PROGRAMME_FIGURES)}",
        )
    else:
        page = Paginator(sics, PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(request, [s.patient for s in page], "SIC calendar")
    counts = calendar_figures(request.user, today)
    return render(
        request,
        "sic/sic_list.html",
        {
            "page": page,
            "row_count": row_count,
            "view": view,
            "views": VIEWS,
            "counts": counts,
            "today": today,
        },
    )


@login_required
def patient_sics(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = access_patient(request, pk, what="SICs")
    sics = with_contribution_counts(patient.sics.all()).order_by("-due_date")
    return render(
        request,
        "sic/patient_sics.html",
        {"patient": patient, "sics": sics, "can_run": can_lead_team(request.user, patient)},
    )


def _sic_context(request: AuthenticatedHttpRequest, sic: Sic) -> dict:
    attendances = list(sic.attendances.select_related("membership__professional__user"))
    mine = next(
        (a for a in attendances if a.membership.professional.user_id == request.user.pk), None
    )
    decisions = list(sic.decisions.all())
    patient_side = is_patient_side(request.user)
    writes_patient_form = can_write_patient_form(request.user)
    rows = [
        (
            row,
            sic.is_open
            and (
                (row.author is not None and row.author.pk == request.user.pk)
                or (row.kind == ContributionKind.PATIENT_EXPERIENCE and writes_patient_form)
            ),
        )
        for row in expected_contributions(sic)
        if not patient_side or row.kind == ContributionKind.PATIENT_EXPERIENCE
    ]
    clinical = (
        clinical_context(user=request.user, patient=sic.patient, sic=sic)
        if not patient_side and sic.status != SicStatus.CANCELLED
        else {}
    )
    return clinical | {
        "sic": sic,
        "patient": sic.patient,
        "rows": rows,
        "attendances": attendances,
        "my_attendance": mine,
        "decisions": decisions,
        "can_run": can_lead_team(request.user, sic.patient),
        "is_patient_side": patient_side,
        # The team's messages to discuss: never shown to the patient's side.
        "pinned": [] if patient_side else pinned_for(sic),
        "pinned_opinions": _pinned_opinions(request, sic),
    }


def _pinned_opinions(request: AuthenticatedHttpRequest, sic: Sic) -> list:
    """The specialist answers pinned « À discuter en SIC » since the patient's previous held
    SIC (for a held SIC, up to its holding): the professionals' card, not the patient's."""
    if not can_read_opinions(request.user) or sic.status == SicStatus.CANCELLED:
        return []
    held = sic.patient.sics.filter(status=SicStatus.HELD).exclude(pk=sic.pk)
    until = sic.held_at if sic.status == SicStatus.HELD else None
    if until is not None:
        held = held.filter(held_at__lt=until)
    previous = held.order_by("-held_at").values_list("held_at", flat=True).first()
    pinned = pinned_for_sic(sic.patient, after=previous, until=until)
    if pinned:
        log_access(request, sic.patient, "specialist opinions")
    return pinned


@login_required
def sic_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The preparation page: what is in, what is missing, the date and the link."""
    sic = access_sic(request, pk, what="SIC")
    context = _sic_context(request, sic)
    if context["can_run"] and sic.is_open:
        initial = {"duration_minutes": sic.duration_minutes, "video_url": sic.video_url}
        if sic.scheduled_at:
            initial["at"] = timezone.localtime(sic.scheduled_at)
        context["schedule_form"] = ScheduleForm(initial=initial)
        context["cancel_form"] = CancelForm()
    return render(request, "sic/sic_detail.html", context)


@login_required
def sic_schedule_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sic = access_sic(request, pk, what="SIC")
    require(can_lead_team(request.user, sic.patient))
    form = ScheduleForm(posted(request))
    if request.method == "POST" and form.is_valid():
        scheduled = attempt(
            request,
            lambda: sic_schedule(sic=sic, **form.cleaned_data),
            form=form,
            success=_("The SIC is scheduled; the team has been invited."),
        )
        if scheduled:
            return redirect("sic:detail", pk=sic.pk)
    context = _sic_context(request, sic) | {"schedule_form": form, "cancel_form": CancelForm()}
    return render(request, "sic/sic_detail.html", context)


@login_required
@require_POST
def sic_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sic = access_sic(request, pk, what="SIC")
    require(can_lead_team(request.user, sic.patient))
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for cancelling."))
        return redirect("sic:detail", pk=sic.pk)
    if not attempt(
        request,
        lambda: sic_cancel(sic=sic, reason=form.cleaned_data["reason"]),
        success=_("The SIC is cancelled; the next one stays due."),
    ):
        return redirect("sic:detail", pk=sic.pk)
    return redirect("sic:patient_sics", pk=sic.patient_id)


@login_required
def sic_hold_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the SIC as held: who was there, the minutes, the decisions."""
    sic = access_sic(request, pk, what="SIC")
    require(can_lead_team(request.user, sic.patient))
    attendances = list(sic.attendances.select_related("membership__professional"))
    form = HoldForm(
        posted(request),
        attendances=attendances,
        initial={
            "held_at": timezone.localtime(sic.scheduled_at) if sic.scheduled_at else None,
            "present": [str(a.membership_id) for a in attendances if a.response == "confirmed"],
        },
    )
    if request.method == "POST" and form.is_valid():
        held = attempt(
            request,
            lambda: sic_hold(
                sic=sic,
                by=request.user,
                held_at=form.cleaned_data["held_at"],
                minutes=form.cleaned_data["minutes"],
                patient_present=form.cleaned_data["patient_present"],
                caregiver_present=form.cleaned_data["caregiver_present"],
                present_memberships=[int(x) for x in form.cleaned_data["present"]],
                decisions=form.decision_lines(),
            ),
            form=form,
            success=_("The SIC is recorded as held. The next one is planned."),
        )
        if held:
            return redirect("sic:detail", pk=sic.pk)
    return render(request, "sic/sic_hold.html", {"sic": sic, "patient": sic.patient, "form": form})


@login_required
@require_POST
def attendance_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sic = access_sic(request, pk, what="SIC")
    attendance = get_object_or_404(Attendance, sic=sic, membership__professional__user=request.user)
    attempt(
        request,
        lambda: sic_attendance_answer(
            attendance=attendance, by=request.user, attending=request.POST.get("attending") == "yes"
        ),
        success=_("Your answer has been recorded."),
    )
    return redirect("sic:detail", pk=sic.pk)


@login_required
def contribution_edit(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Write one's contribution: save a draft, or submit it to the team."""
    sic = access_sic(request, pk, what="SIC contribution")
    if kind not in ContributionKind.values:
        raise Http404
    is_patient_form = kind == ContributionKind.PATIENT_EXPERIENCE
    contribution = contribution_for(sic=sic, kind=kind, user=request.user)
    if contribution.pk and not contribution.can_edit(request.user):
        messages.info(request, _("This contribution can no longer be changed."))
        return redirect("sic:contribution", pk=contribution.pk)
    submit = "submit" in request.POST
    content, prefilled_from = starting_content(contribution, user=request.user)
    form = contribution_form(
        kind,
        data=posted(request),
        content=content,
        draft=request.method == "POST" and not submit,
        pathway=sic.patient.pathway,
    )
    saved = _("Your contribution has been submitted to the team.") if submit else _("Draft saved.")
    if isinstance(form, PatientExperienceForm) and is_patient_side(request.user):
        caregiver_of = sic.patient.first_name if acts_for_patient(request.user) else ""
        saved = form.saved_message(submit=submit, for_caregiver_of=caregiver_of)
    if (
        request.method == "POST"
        and not form.adds_row
        and form.is_valid()
        and attempt(
            request,
            lambda: contribution_save(
                contribution=contribution, by=request.user, content=form.content(), submit=submit
            ),
            form=form,
            success=saved,
        )
    ):
        if is_patient_side(request.user):
            return redirect("patients:my_record")
        return redirect("sic:detail", pk=sic.pk)
    template = (
        "sic/patient_experience_form.html" if is_patient_form else "sic/contribution_form.html"
    )
    return render(
        request,
        template,
        {
            "sic": sic,
            "patient": sic.patient,
            "form": form,
            "contribution": contribution,
            "kind_label": ContributionKind(kind).label,
            "prefilled_from": prefilled_from,
        },
    )


@login_required
def contribution_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(
        Contribution.objects.visible_to(request.user).select_related("sic__patient", "author"),
        pk=pk,
    )
    log_access(request, contribution.sic.patient, "SIC contribution")
    return render(
        request,
        "sic/contribution_detail.html",
        {
            "contribution": contribution,
            "sic": contribution.sic,
            "patient": contribution.sic.patient,
            "rows": labelled_content(contribution.kind, contribution.content),
            "medications": medication_rows(contribution.content),
            "hospitalisations": hospitalisation_rows(contribution.content),
            "can_edit": contribution.can_edit(request.user),
        },
    )


@login_required
def report_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The report of a held SIC; none before (404: the page offers no link to it)."""
    sic = access_sic(request, pk, what="SIC report (PDF)")
    require(can_read_sic_report(request.user))
    if sic.status != SicStatus.HELD:
        raise Http404
    import io

    return FileResponse(
        io.BytesIO(sic_report_pdf(sic)),
        content_type="application/pdf",
        filename=f"sic-{sic.pk}.pdf",
    )
