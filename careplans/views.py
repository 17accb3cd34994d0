from __future__ import annotations

import io
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from budget.rules import can_prescribe
from careplans.forms import (
    ActionForm,
    ActionStatusForm,
    ChangesAnswerForm,
    ChangesForm,
    DecisionFormSet,
    GoalForm,
    RecordValidationForm,
)
from careplans.models import Action, ActionStatus, CarePlan, Goal, PlanStatus, ValidationMethod
from careplans.pdf import careplan_pdf
from careplans.rules import (
    can_answer_for_patient,
    can_record_validation,
    can_see_my_actions,
)
from careplans.selectors import (
    access_plan,
    actions_by_owner,
    careplan_changes,
    in_force_and_open,
    patient_goals,
    visible_plans,
    with_followup,
)
from careplans.services import (
    DecisionAction,
    careplan_add_action,
    careplan_add_goal,
    careplan_change_action,
    careplan_change_goal,
    careplan_changes_answer,
    careplan_changes_request,
    careplan_from_sic,
    careplan_propose,
    careplan_remove,
    careplan_start,
    careplan_validation_record,
)
from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest, attempt, offer_undo, posted, safe_next
from labparcours.permissions import acts_for_patient, is_patient_side, require
from labparcours.uploads import serve_upload
from patients.selectors import access_patient, own_patient
from sic.selectors import access_sic
from teams.models import Membership
from teams.rules import can_lead_team


def _members(patient_id: uuid.UUID) -> list[Membership]:
    """The patient's active team members: who may carry an action."""
    return list(
        Membership.objects.active()
        .filter(team__patient_id=patient_id)
        .select_related("professional")
        .order_by("role", "pk")
    )


@login_required
def patient_plans(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    """The care plans of a patient: the one in force, the one in the making, the history."""
    patient = access_patient(request, pk, what="care plans")
    if is_patient_side(request.user):
        return redirect("careplans:my_plan")
    in_force, open_plan = in_force_and_open(patient)
    return render(
        request,
        "careplans/patient_plans.html",
        {
            "patient": patient,
            "in_force": in_force,
            "open_plan": open_plan,
            "versions": CarePlan.objects.filter(patient=patient).order_by("-version"),
            "can_lead": can_lead_team(request.user, patient),
        },
    )


def _plan_context(request: AuthenticatedHttpRequest, plan: CarePlan) -> dict[str, Any]:
    can_lead = can_lead_team(request.user, plan.patient)
    can_edit = plan.is_editable and can_lead
    members = _members(plan.patient_id) if can_edit else []
    goals = list(plan.goals.all())
    return {
        "plan": plan,
        "patient": plan.patient,
        "groups": actions_by_owner(plan),
        "goals": goals,
        "patient_goals": patient_goals(plan, goals) if can_edit else [],
        "changes": careplan_changes(plan),
        "can_lead": can_lead,
        "can_edit": can_edit,
        "can_follow": can_lead and plan.status == PlanStatus.VALIDATED,
        "can_prescribe": plan.status != PlanStatus.SUPERSEDED
        and can_prescribe(request.user, plan.patient),
        "goal_form": GoalForm() if can_edit else None,
        "action_form": ActionForm(memberships=members) if can_edit else None,
        "record_form": RecordValidationForm()
        if plan.status == PlanStatus.PROPOSED and can_record_validation(request.user)
        else None,
        "answer_form": ChangesAnswerForm()
        if plan.status == PlanStatus.CHANGES_REQUESTED and can_edit
        else None,
    }


@login_required
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request, pk, what="care plan")
    if is_patient_side(request.user):
        return redirect("careplans:my_plan")
    return render(request, "careplans/careplan_detail.html", _plan_context(request, plan))


@login_required
@require_POST
def plan_new(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = access_patient(request, pk, what="care plans")
    require(can_lead_team(request.user, patient))
    plan = careplan_start(patient=patient, by=request.user)
    return redirect("careplans:detail", pk=plan.pk)


def _lead_plan(request: AuthenticatedHttpRequest, pk: int) -> CarePlan:
    plan = access_plan(request, pk, what="care plan")
    require(can_lead_team(request.user, plan.patient))
    return plan


@login_required
@require_POST
def goal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _lead_plan(request, pk)
    form = GoalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the goal in the patient's words."))
    else:
        attempt(request, lambda: careplan_add_goal(plan=plan, text=form.cleaned_data["text"]))
    return redirect("careplans:detail", pk=plan.pk)


@login_required
@require_POST
def action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _lead_plan(request, pk)
    form = ActionForm(request.POST, memberships=_members(plan.patient_id))
    if form.is_valid() and attempt(
        request, lambda: careplan_add_action(plan=plan, action=form.action())
    ):
        return redirect("careplans:detail", pk=plan.pk)
    context = _plan_context(request, plan) | {"action_form": form}
    return render(request, "careplans/careplan_detail.html", context, status=400)


def _editable_plan(request: AuthenticatedHttpRequest, pk: int) -> CarePlan | HttpResponse:
    """The plan whose goals and actions the lead rewrites; once proposed or in force, the
    answer is the plan page with the reason."""
    plan = _lead_plan(request, pk)
    if attempt(request, plan.ensure_editable):
        return plan
    url = reverse("careplans:detail", args=[plan.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _saved(request: AuthenticatedHttpRequest, plan: CarePlan, anchor: str) -> HttpResponse:
    """After a goal or an action is rewritten: with htmx the plan card again (and what
    changed since the last version), without it the plan page at that row."""
    if not request.htmx:
        return redirect(reverse("careplans:detail", args=[plan.pk]) + f"#{anchor}")
    context = _plan_context(request, plan) | {"oob": True}
    response = render(request, "careplans/careplan_detail.html#plan-card", context)
    response.write(render(request, "careplans/careplan_detail.html#changes-card", context).content)
    response["HX-Retarget"] = "#plan-card"
    response["HX-Reswap"] = "outerHTML"
    return response


def _edit_form(
    request: AuthenticatedHttpRequest, plan: CarePlan, item: Goal | Action, form: Any
) -> HttpResponse:
    """The form of one row: in place with htmx (a refused input answers 200 so that htmx
    swaps it in), else on a page of its own."""
    kind = "goal" if isinstance(item, Goal) else "action"
    form.fields["text" if kind == "goal" else "what"].widget.attrs["autofocus"] = True
    context = {
        "plan": plan,
        "patient": plan.patient,
        "item": item,
        "kind": kind,
        "form": form,
        "edit_url": reverse(f"careplans:{kind}_edit", args=[plan.pk, item.pk]),
    }
    if request.htmx:
        return render(request, "careplans/item_edit.html#row-form", context)
    return render(
        request, "careplans/item_edit.html", context, status=400 if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """A goal rewritten in place."""
    plan = _editable_plan(request, pk)
    if isinstance(plan, HttpResponse):
        return plan
    goal = get_object_or_404(Goal, plan=plan, pk=item_pk)
    form = GoalForm(posted(request), initial={"text": goal.text})
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["text"]
        if attempt(
            request, lambda: careplan_change_goal(plan=plan, goal=goal, text=text), form=form
        ):
            if not request.htmx:
                messages.success(request, _("The goal is saved."))
            return _saved(request, plan, f"goal-{goal.pk}")
    return _edit_form(request, plan, goal, form)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """An action rewritten in place: what, who, when, how often."""
    plan = _editable_plan(request, pk)
    if isinstance(plan, HttpResponse):
        return plan
    action = get_object_or_404(
        Action.objects.select_related("care_provider"), plan=plan, pk=item_pk
    )
    form = ActionForm(posted(request), memberships=_members(plan.patient_id), current=action)
    if form.is_bound and form.is_valid():
        form.apply(action)
        if attempt(request, lambda: careplan_change_action(plan=plan, action=action), form=form):
            if not request.htmx:
                messages.success(request, _("The action is saved."))
            return _saved(request, plan, f"action-{action.pk}")
    return _edit_form(request, plan, action, form)


@login_required
@require_POST
def item_remove(
    request: AuthenticatedHttpRequest, pk: int, kind: str, item_pk: int
) -> HttpResponse:
    plan = _lead_plan(request, pk)
    item: Goal | Action = (
        get_object_or_404(Goal, plan=plan, pk=item_pk)
        if kind == "objectif"
        else get_object_or_404(Action, plan=plan, pk=item_pk)
    )
    attempt(request, lambda: careplan_remove(plan=plan, item=item))
    return redirect("careplans:detail", pk=plan.pk)


@login_required
@require_POST
def plan_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _lead_plan(request, pk)
    attempt(
        request,
        lambda: careplan_propose(plan=plan, by=request.user),
        success=_("The plan is proposed to the patient."),
    )
    return redirect("careplans:detail", pk=plan.pk)


@login_required
@require_POST
def plan_answer_changes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The team answers the patient's request for changes, and may propose the revised plan
    in the same step."""
    plan = _lead_plan(request, pk)
    form = ChangesAnswerForm(request.POST)
    propose = "propose" in request.POST
    if form.is_valid() and attempt(
        request,
        lambda: careplan_changes_answer(
            plan=plan, by=request.user, answer=form.cleaned_data["answer"], propose=propose
        ),
        success=_("Your answer is sent: the revised plan is proposed to the patient.")
        if propose
        else _("Your answer is sent to the patient."),
    ):
        return redirect("careplans:detail", pk=plan.pk)
    context = _plan_context(request, plan) | {"answer_form": form}
    return render(request, "careplans/careplan_detail.html", context, status=400)


@login_required
@require_POST
def plan_record_validation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator records a validation given by phone or on paper."""
    plan = access_plan(request, pk, what="care plan")
    require(can_record_validation(request.user))
    form = RecordValidationForm(request.POST, request.FILES)
    if form.is_valid() and attempt(
        request,
        lambda: careplan_validation_record(
            plan=plan,
            by=request.user,
            method=form.cleaned_data["method"],
            scan=form.cleaned_data["scan"],
        ),
        form=form,
        success=_("The validation is recorded: the plan is in force."),
    ):
        return redirect("careplans:detail", pk=plan.pk)
    context = _plan_context(request, plan) | {"record_form": form}
    return render(request, "careplans/careplan_detail.html", context, status=400)


@login_required
def from_sic(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Turn the decisions of a held SIC into the actions of the next plan, in one step."""
    sic = access_sic(request, pk, what="SIC decisions")
    require(can_lead_team(request.user, sic.patient))
    decisions = list(sic.decisions.all())
    members = _members(sic.patient_id)
    initial = [{"decision": d.pk, "what": d.text, "include": True} for d in decisions]
    formset = DecisionFormSet(
        posted(request), initial=initial, form_kwargs={"memberships": members}
    )
    if request.method == "POST" and formset.is_valid():
        by_pk = {d.pk: d for d in decisions}
        rows = [
            DecisionAction(
                decision=by_pk[f["decision"]],
                what=f["what"],
                owner=f["owner"],
                membership_id=f["membership_id"],
                provider=f.get("provider", ""),
                care_provider=f.get("care_provider"),
                when=f.get("when", ""),
            )
            for f in formset.cleaned_data
            if f.get("include") and f.get("decision") in by_pk
        ]
        made: list[CarePlan] = []
        if attempt(
            request,
            lambda: made.append(careplan_from_sic(sic=sic, by=request.user, rows=rows)),
            success=_("The decisions are now actions of the care plan."),
        ):
            return redirect("careplans:detail", pk=made[0].pk)
    return render(
        request, "careplans/from_sic.html", {"sic": sic, "patient": sic.patient, "formset": formset}
    )


@login_required
def my_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The patient's plan in plain words: the one to validate, else the one in force."""
    require(is_patient_side(request.user))
    patient = own_patient(request, what="care plan")
    in_force, open_plan = in_force_and_open(patient)
    shown = open_plan if open_plan and open_plan.status != PlanStatus.DRAFT else in_force
    context: dict[str, Any] = {"patient": patient, "plan": shown, "in_force": in_force}
    if shown is not None:
        context |= {
            "groups": actions_by_owner(
                shown, for_patient=True, for_caregiver=acts_for_patient(request.user)
            ),
            "goals": list(shown.goals.all()),
            "changes": careplan_changes(shown),
            "changes_form": ChangesForm(),
        }
    return render(request, "careplans/my_plan.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_validate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The patient (or their caregiver) validates the plan proposed: a page asks them to
    confirm first, since a validation cannot be taken back."""
    plan = access_plan(request, pk, what="care plan (validation)")
    if request.method == "GET":
        require(can_answer_for_patient(request.user))
        if plan.status != PlanStatus.PROPOSED:
            messages.info(request, _("This plan is not waiting for your validation."))
            return redirect("careplans:my_plan")
        context = {"plan": plan, "patient": plan.patient, "goals": list(plan.goals.all())}
        context["actions"] = plan.actions.count()
        return render(request, "careplans/validate_confirm.html", context)
    attempt(
        request,
        lambda: careplan_validation_record(
            plan=plan, by=request.user, method=ValidationMethod.ONLINE
        ),
        success=(
            _("Thank you: %(name)s's plan is validated and in force.")
            % {"name": plan.patient.first_name}
            if acts_for_patient(request.user)
            else _("Thank you: your plan is validated and in force.")
        ),
    )
    return redirect("careplans:my_plan")


@login_required
@require_POST
def plan_request_changes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request, pk, what="care plan")
    form = ChangesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say what you would like to change."))
        return redirect("careplans:my_plan")
    attempt(
        request,
        lambda: careplan_changes_request(
            plan=plan, by=request.user, comment=form.cleaned_data["comment"]
        ),
        success=(
            _("Your request has been sent to %(name)s's team: they will revise the plan.")
            % {"name": plan.patient.first_name}
            if acts_for_patient(request.user)
            else _("Your request has been sent to your team: they will revise the plan.")
        ),
    )
    return redirect("careplans:my_plan")


@login_required
def my_actions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A professional's actions across the patients in their scope who are still in the
    programme, from the plans in force."""
    require(can_see_my_actions(request.user))
    actions = list(
        with_followup(
            Action.objects.visible_to(request.user)
            .of_included_patients()
            .in_force()
            .owned_by(request.user)
        )
        .select_related("plan__patient")
        .order_by("status", "due_date", "pk")
    )
    log_access(request, {a.plan.patient for a in actions}, "my actions")
    return render(request, "careplans/my_actions.html", {"actions": actions})


def _followed_action(request: AuthenticatedHttpRequest, pk: int) -> Action:
    action = get_object_or_404(
        Action.objects.filter(plan__in=visible_plans(request.user))
        .select_related("plan__patient", "membership__professional")
        .prefetch_related("occurrences"),
        pk=pk,
    )
    require(action.can_be_followed_by(request.user))
    return action


@login_required
@require_POST
def action_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The owner of an action (or the coordinator, or the team's GP) follows it. "Done"
    marks the action (or, for a recurring one, its next occurrence), with an undo offered."""
    action = _followed_action(request, pk)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        return redirect(safe_next(request, "careplans:my_actions"))
    status = form.cleaned_data["status"]
    if status != ActionStatus.DONE:
        attempt(request, lambda: action.set_status(status), success=_("The action is updated."))
    elif attempt(request, lambda: action.mark_done(by=request.user)):
        offer_undo(
            request,
            _("« %(what)s » is marked done.") % {"what": action.what},
            reverse("careplans:action_undo", args=[action.pk]),
        )
    return redirect(safe_next(request, "careplans:my_actions"))


@login_required
@require_POST
def action_undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take back a "done" given today."""
    action = _followed_action(request, pk)
    attempt(
        request,
        action.undo_done,
        success=_("« %(what)s » is back to do.") % {"what": action.what},
    )
    return redirect(safe_next(request, "careplans:my_actions"))


@login_required
def plan_scan(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The scanned sheet of a validation on paper, for everyone who may see the plan."""
    plan = access_plan(request, pk, what="care plan (signed sheet)")
    return serve_upload(plan.validation_scan, filename=plan.scan_filename)


@login_required
def plan_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    plan = access_plan(request, pk, what="care plan (PDF)", related=("patient__coordinator",))
    return FileResponse(
        io.BytesIO(careplan_pdf(plan)),
        content_type="application/pdf",
        filename=f"plan-de-soins-v{plan.version}.pdf",
    )
