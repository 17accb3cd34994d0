from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labparcours.http import AuthenticatedHttpRequest, attempt, posted, safe_next
from labparcours.invitations import invitation_send
from labparcours.models import InvitationKind
from labparcours.permissions import can_browse_directory, can_manage_patients, require
from patients.selectors import access_patient
from teams.forms import DirectorySearchForm, MembershipForm, ProfessionalForm
from teams.models import Membership, Professional
from teams.services import membership_add


@login_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The directory of professionals (annuaire), searchable by name, profession, city."""
    require(can_browse_directory(request.user))
    form = DirectorySearchForm(request.GET or None)
    professionals = Professional.objects.select_related("user")
    if form.is_valid():
        professionals = professionals.search(**form.cleaned_data)
    page = Paginator(professionals, 30).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": can_manage_patients(request.user)}
    template = "teams/professional_list.html"
    if request.htmx:
        template += "#directory-table"
    return render(request, template, context)


@login_required
def professional_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_patients(request.user))
    professional = get_object_or_404(Professional, pk=pk) if pk else None
    form = ProfessionalForm(posted(request), instance=professional)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The directory entry has been saved."))
        return redirect("teams:directory")
    return render(
        request, "teams/professional_form.html", {"form": form, "professional": professional}
    )


@login_required
@require_POST
def professional_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_patients(request.user))
    professional = get_object_or_404(Professional, pk=pk)
    attempt(
        request,
        lambda: invitation_send(
            kind=InvitationKind.PROFESSIONAL,
            email=professional.email,
            invited_by=request.user,
            professional=professional,
        ),
        success=_("An invitation has been sent to %(name)s.") % {"name": professional},
    )
    return redirect(safe_next(request, "teams:directory"))


@login_required
def team(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    """The team builder: active and former members, and adding from the directory."""
    patient = access_patient(request, pk, what="care team")
    care_team = patient.care_team
    memberships = care_team.memberships.select_related("professional__user").order_by(
        "left_at", "role", "joined_at"
    )
    can_manage = can_manage_patients(request.user)
    search = DirectorySearchForm(request.GET or None)
    candidates = Professional.objects.none()
    if can_manage and search.is_valid() and any(search.cleaned_data.values()):
        active_ids = [m.professional_id for m in memberships if m.is_active]
        candidates = Professional.objects.search(**search.cleaned_data).exclude(pk__in=active_ids)[
            :20
        ]
    context = {
        "patient": patient,
        "team": care_team,
        "active_members": [m for m in memberships if m.is_active],
        "former_members": [m for m in memberships if not m.is_active],
        "missing_roles": care_team.missing_roles(),
        "can_manage": can_manage,
        "search": search,
        "candidates": candidates,
    }
    if request.htmx:
        return render(request, "teams/careteam_detail.html#candidates", context)
    return render(request, "teams/careteam_detail.html", context)


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = access_patient(request, pk, what="care team")
    require(can_manage_patients(request.user))
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a professional from the directory."))
    else:
        attempt(
            request,
            lambda: membership_add(
                team=patient.care_team,
                professional=form.cleaned_data["professional"],
                role=form.cleaned_data["role"],
                added_by=request.user,
            ),
            success=_("%(name)s has joined the team.")
            % {"name": form.cleaned_data["professional"]},
        )
    return redirect("teams:team", pk=patient.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: AuthenticatedHttpRequest, pk: str, membership_pk: int) -> HttpResponse:
    """Remove a member from the team, once confirmed: they lose access at once."""
    patient = access_patient(request, pk, what="care team")
    require(can_manage_patients(request.user))
    membership = get_object_or_404(
        Membership.objects.select_related("professional"), team__patient=patient, pk=membership_pk
    )
    if request.method == "GET":
        if not membership.is_active:
            return redirect("teams:team", pk=patient.pk)
        # What the member still carries in the patient's plans: the coordinator reassigns it.
        from careplans.models import OPEN_ACTION_STATUSES, PlanStatus

        carried = membership.care_plan_actions.filter(status__in=OPEN_ACTION_STATUSES).exclude(
            plan__status=PlanStatus.SUPERSEDED
        )
        context = {"patient": patient, "membership": membership, "carried": list(carried)}
        return render(request, "teams/member_leave.html", context)
    attempt(
        request,
        lambda: membership.leave(),
        success=_("%(name)s has left the team; their past contributions stay.")
        % {"name": membership.professional},
    )
    return redirect("teams:team", pk=patient.pk)
