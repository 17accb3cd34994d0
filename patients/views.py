from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budget.views import budget_card_context, my_care_context
from careplans.selectors import changes_to_answer, plan_awaiting_patient
from labparcours.access import log_access
from labparcours.cache import PROGRAMME_FIGURES, generation, programme_figures
from labparcours.http import AuthenticatedHttpRequest, attempt, posted, posted_id
from labparcours.invitations import invitation_send
from labparcours.models import AccessLogEntry, InvitationKind
from labparcours.paging import RowCount, UncountedPage, counted_page, uncounted_page
from labparcours.permissions import can_manage_patients, can_see_programme, require
from labparcours.search import words_in
from opinions.views import opinions_card_context
from patients.forms import (
    AccessLogFilterForm,
    CaregiverForm,
    ConsentForm,
    DashboardFilterForm,
    ExitForm,
    InclusionForm,
    PatientForm,
)
from patients.models import Caregiver, Consent, Patient, PatientStatus
from patients.pathway_views import pathway_card_context
from patients.rules import (
    can_audit_access_log,
    can_read_access_log,
    has_own_patients,
    has_own_record,
)
from patients.selectors import (
    access_log_lines,
    access_patient,
    own_patient,
    visible_patients,
)
from patients.services import caregiver_add, consent_record
from patients.table import PATIENT_FIELDS, patient_rows
from programme.workflows import patient_include, patient_leave, patient_record
from sic.charts import clinical_context
from sic.models import Sic
from sic.selectors import open_sic_by_patient
from teams.models import Membership, missing_roles_among, team_incomplete
from threads.selectors import unread_counts

PAGE_SIZE = 25
MY_PATIENTS_PAGE_SIZE = 50
# The dashboard's figures are the whole programme's: counted again after a write that changes
# them, and at least once per this many seconds.
STATS_TTL = 120
DASHBOARD_ORDER = ("last_name", "first_name", "pk")


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the programme's time zone (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def programme_stats() -> dict[str, int]:
    """The dashboard's figures over the whole programme, cached: counting every patient on
    every page view grows with the cohort. A write that changes them makes them counted again
    (`patients.signals`); what changes with time alone (a SIC past its date) shows within
    `STATS_TTL` seconds."""

    def count() -> dict[str, int]:
        return {
            "included": Patient.objects.included().count(),
            "candidates": Patient.objects.filter(status=PatientStatus.CANDIDATE).count(),
            "incomplete": Patient.objects.included().filter(team_incomplete()).count(),
            "sic_overdue": Sic.objects.overdue().count(),
        }

    return dict(programme_figures("dashboard:programme-stats", count, STATS_TTL))


def _filtered_patients(
    request: AuthenticatedHttpRequest, form: DashboardFilterForm
) -> QuerySet[Patient]:
    qs = visible_patients(request.user).order_by(*DASHBOARD_ORDER)
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    qs = qs.filter(words_in(data["q"]))
    if data["pathway"]:
        qs = qs.filter(pathway=data["pathway"])
    if data["status"]:
        qs = qs.filter(status=data["status"])
    if data["team"] == "incomplete":
        qs = qs.filter(team_incomplete())
    elif data["team"] == "complete":
        qs = qs.exclude(team_incomplete())
    return qs


def _dashboard_page(
    request: AuthenticatedHttpRequest, form: DashboardFilterForm, qs: QuerySet[Patient]
) -> tuple[UncountedPage, RowCount]:
    """The ids of the page asked for (an index scan cut by LIMIT/OFFSET: what the rows show is
    then read for the rows shown only) and the count of the list. Counting every visible
    patient on each view grows with the programme: the count is exact when small, else
    counted once a minute for this reader and these filters (`labparcours.paging`), and again
    after a write to the programme (`labparcours.cache.generation`)."""
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    key = repr(sorted((name, value) for name, value in filters.items() if name != "page"))
    return counted_page(
        qs.values_list("pk", flat=True),
        filters.get("page") or 1,
        PAGE_SIZE,
        key=f"dashboard:{request.user.pk}:{generation(PROGRAMME_FIGURES)}:{key}",
    )


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's dashboard: every patient, their pathway, status and team."""
    require(can_see_programme(request.user))
    form = DashboardFilterForm(posted(request))
    qs = _filtered_patients(request, form)
    page, row_count = _dashboard_page(request, form, qs)
    shown = list(
        visible_patients(request.user)
        .filter(pk__in=list(page))
        .only(*PATIENT_FIELDS)
        .order_by(*DASHBOARD_ORDER)
    )
    rows = patient_rows(request.user, shown)
    log_access(request, shown, "dashboard")
    context = {
        "form": form,
        "page": page,
        "row_count": row_count,
        "rows": rows,
        "stats": programme_stats(),
    }
    template = "patients/patient_list.html"
    if request.htmx:
        template += "#patient-table"
    elif can_manage_patients(request.user):
        # The coordinator's task: the requests for changes of their patients' plans.
        plans, count = changes_to_answer(request.user)
        log_access(request, [plan.patient for plan in plans], "dashboard")
        context |= {"changes_plans": plans, "changes_count": count}
    return render(request, template, context)


@login_required
def my_patients(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A clinician's patients: those whose team they are an active member of."""
    require(has_own_patients(request.user))
    page = Paginator(
        visible_patients(request.user)
        .included()
        .only(*PATIENT_FIELDS)
        .order_by("last_name", "first_name", "pk"),
        MY_PATIENTS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    patients = list(page)
    log_access(request, patients, "my patients")
    rows = patient_rows(request.user, patients, mine=True)
    return render(request, "patients/my_patients.html", {"rows": rows, "page": page})


def _patient_context(patient: Patient) -> dict[str, Any]:
    memberships = list(
        Membership.objects.filter(team__patient=patient)
        .select_related("professional")
        .order_by("left_at", "role", "joined_at")
    )
    active = [m for m in memberships if m.is_active]
    return {
        "patient": patient,
        "consents": Consent.objects.filter(patient=patient)
        .select_related("recorded_by", "caregiver")
        .order_by("withdrawn_at", "kind"),
        "caregivers": Caregiver.objects.filter(patient=patient).select_related("user"),
        "active_members": active,
        "former_members": [m for m in memberships if not m.is_active],
        # Every patient has a team from their record on (patients.services): the roles of its
        # active members are those just read.
        "missing_roles": missing_roles_among({m.role for m in active}),
    }


@login_required
def patient_detail(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    if has_own_record(request.user):
        get_object_or_404(visible_patients(request.user), pk=pk)
        return redirect("patients:my_record")
    patient = access_patient(request, pk, what="patient record", related=("coordinator",))
    context = _patient_context(patient)
    context.update(
        can_manage=can_manage_patients(request.user),
        consent_form=ConsentForm(),
        caregiver_form=CaregiverForm(patient=patient),
        exit_form=ExitForm(),
        history=patient.history.select_related("history_user")[:10],
        next_sic=open_sic_by_patient([patient.pk]).get(patient.pk),
    )
    context.update(clinical_context(user=request.user, patient=patient))
    context.update(budget_card_context(request, patient))
    context["thread_unread"] = unread_counts(request.user, [patient.pk]).get(patient.pk)
    context.update(pathway_card_context(request, patient))
    context.update(opinions_card_context(request, patient))
    return render(request, "patients/patient_detail.html", context)


@login_required
def my_record(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The patient's (or caregiver's) home: their record, team and consents."""
    require(has_own_record(request.user))
    patient = own_patient(request, what="own record")
    context = _patient_context(patient)
    next_sic = open_sic_by_patient([patient.pk]).get(patient.pk)
    context["next_sic"] = next_sic
    context["experience"] = (
        next_sic.contributions.filter(kind="patient_experience").first() if next_sic else None
    )
    context["home_plan"] = plan_awaiting_patient(patient)
    context.update(my_care_context(patient, request.user))
    context["thread_unread"] = unread_counts(request.user, [patient.pk]).get(patient.pk)
    return render(request, "patients/my_record.html", context)


@login_required
def include(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_patients(request.user))
    form = InclusionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consents, include_now = data.pop("consents"), data.pop("include_now")
        recorded: list[Patient] = []
        if attempt(
            request,
            lambda: recorded.append(
                patient_record(
                    coordinator=request.user, consents=consents, include=include_now, **data
                )
            ),
            form=form,
            success=_("The patient has been recorded."),
        ):
            return redirect("teams:team", pk=recorded[0].pk)
    return render(request, "patients/patient_form.html", {"form": form, "creating": True})


@login_required
def patient_edit(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = access_patient(request, pk, what="patient record (edit)")
    require(can_manage_patients(request.user))
    form = PatientForm(posted(request), instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The patient's record has been updated."))
        return redirect("patients:detail", pk=patient.pk)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


def _managed_patient(request: AuthenticatedHttpRequest, pk: str, what: str) -> Patient:
    patient = access_patient(request, pk, what=what)
    require(can_manage_patients(request.user))
    return patient


@login_required
@require_POST
def include_existing(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = _managed_patient(request, pk, "inclusion")
    attempt(
        request,
        lambda: patient_include(patient=patient),
        success=_("The patient is now included in the programme."),
    )
    return redirect("patients:detail", pk=patient.pk)


@login_required
@require_POST
def patient_exit(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = _managed_patient(request, pk, "exit")
    form = ExitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason and a date for the exit."))
    else:
        attempt(
            request,
            lambda: patient_leave(
                patient=patient,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
                by=request.user,
            ),
            success=_("The patient has left the programme."),
        )
    return redirect("patients:detail", pk=patient.pk)


@login_required
@require_POST
def consent_add(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = _managed_patient(request, pk, "consents")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent_record(
                patient=patient, kind=form.cleaned_data["kind"], recorded_by=request.user
            )
        except ValidationError:
            messages.error(request, _("This consent is already recorded."))
        else:
            messages.success(request, _("The consent has been recorded."))
    return redirect("patients:detail", pk=patient.pk)


@login_required
@require_POST
def consent_withdraw(request: AuthenticatedHttpRequest, pk: str, consent_pk: int) -> HttpResponse:
    patient = _managed_patient(request, pk, "consents")
    consent = get_object_or_404(Consent, patient=patient, pk=consent_pk)
    attempt(request, lambda: consent.withdraw(), success=_("The consent has been withdrawn."))
    return redirect("patients:detail", pk=patient.pk)


@login_required
def caregiver_new(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = _managed_patient(request, pk, "caregivers")
    form = CaregiverForm(posted(request), patient=patient)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        delegation = data.pop("delegation")
        caregiver_add(patient=patient, recorded_by=request.user, delegation=delegation, **data)
        messages.success(request, _("The caregiver has been added."))
        return redirect("patients:detail", pk=patient.pk)
    return render(request, "patients/caregiver_form.html", {"form": form, "patient": patient})


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, pk: str, kind: str) -> HttpResponse:
    """Invite the patient, or one of their caregivers, to create a login."""
    patient = _managed_patient(request, pk, "invitation")

    def send() -> None:
        if kind == InvitationKind.PATIENT:
            invitation_send(
                kind=kind, email=patient.email, invited_by=request.user, patient=patient
            )
        else:
            caregiver = get_object_or_404(Caregiver, patient=patient, pk=posted_id(request))
            invitation_send(
                kind=InvitationKind.CAREGIVER,
                email=caregiver.email,
                invited_by=request.user,
                caregiver=caregiver,
            )

    attempt(request, send, success=_("The invitation has been sent by e-mail."))
    return redirect("patients:detail", pk=patient.pk)


@login_required
def my_access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Qui a consulté mon dossier » — for the patient and their caregiver."""
    require(has_own_record(request.user))
    patient = own_patient(request, what="access log")
    page = access_log_lines(patient, viewer=request.user, page=request.GET.get("page"))
    return render(request, "patients/my_access_log.html", {"patient": patient, "page": page})


@login_required
def access_log_admin(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The whole access log, for programme management, filterable."""
    require(can_audit_access_log(request.user))
    form = AccessLogFilterForm(request.GET or None)
    entries = AccessLogEntry.objects.select_related("user", "patient").order_by("-at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            entries = entries.filter(user__email__icontains=data["user"])
        # A range on `at` itself (days in the programme's time zone), which its index serves;
        # `at__date` would compute the date of every row.
        if data["since"]:
            entries = entries.filter(at__gte=start_of_day(data["since"]))
        if data["until"]:
            entries = entries.filter(
                at__lt=start_of_day(data["until"] + datetime.timedelta(days=1))
            )
    # No page count: the log grows by hundreds of thousands of rows a day.
    page = uncounted_page(entries, request.GET.get("page"), 50)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "patients/access_log_admin.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def patient_access_log(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    """One patient's access log, for programme management."""
    patient = access_patient(request, pk, what="access log")
    require(can_read_access_log(request.user, patient) and can_audit_access_log(request.user))
    entries = AccessLogEntry.objects.filter(patient=patient).select_related("user__professional")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "patients/access_log.html", {"patient": patient, "page": page})
