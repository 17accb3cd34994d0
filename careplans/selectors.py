"""Reads of care plans, through the patient's access scope, and what the pages show of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from careplans.models import Action, CarePlan, CarePlanQuerySet, Goal, Owner, PlanStatus
from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest
from labparcours.models import User
from labparcours.permissions import is_patient_side
from patients.models import Patient

# Who asked for changes and who answered: the plan pages show them with the request.
CHANGES_BY = ("changes_requested_by", "changes_answered_by")


def visible_plans(user: User) -> CarePlanQuerySet:
    """Plans of the patients in scope; the patient's side does not see drafts in the making."""
    plans = CarePlan.objects.visible_to(user)
    if is_patient_side(user):
        plans = plans.exclude(status=PlanStatus.DRAFT)
    return plans


def access_plan(
    request: AuthenticatedHttpRequest, pk: int | str, *, what: str, related: tuple[str, ...] = ()
) -> CarePlan:
    """The plan `pk` in the user's scope (404 otherwise), its read logged; with its patient,
    SIC, who asked for and answered changes, and what `related` names besides."""
    try:
        plan = (
            visible_plans(request.user)
            .select_related("patient", "sic", *CHANGES_BY, *related)
            .get(pk=pk)
        )
    except (CarePlan.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, plan.patient, what)
    return plan


def with_followup(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions with what their rows show: who carries them, the occurrences done of a
    recurring one, the supplementary-care requests made for them."""
    from budget.models import SupplementaryCare

    return actions.select_related("membership__professional", "care_provider").prefetch_related(
        "occurrences",
        Prefetch(
            "supplementary_care",
            queryset=SupplementaryCare.objects.select_related("category").order_by("requested_at"),
        ),
    )


@dataclass
class OwnerGroup:
    """The actions one person (or provider) carries, for the patient's reading."""

    label: str
    actions: list[Action] = field(default_factory=list)


def actions_by_owner(
    plan: CarePlan,
    *,
    for_patient: bool = False,
    for_caregiver: bool = False,
    followup: bool = True,
) -> list[OwnerGroup]:
    """Actions grouped by who does them: the patient first, then their caregiver, the team
    members, the supplementary-care providers. Written to the patient ("You") on their side,
    or to their caregiver, who is "You" and reads the patient's actions under their name.
    Without `followup`, the actions come without their occurrences and supplementary care
    (the PDF shows neither: two queries fewer)."""
    groups: dict[tuple[int, str], OwnerGroup] = {}
    order = {Owner.PATIENT: 0, Owner.CAREGIVER: 1, Owner.MEMBER: 2, Owner.PROVIDER: 3}
    actions: QuerySet[Action] = plan.actions.all()
    actions = (
        with_followup(actions) if followup else actions.select_related("membership__professional")
    )
    for action in actions.order_by("position"):
        if action.owner == Owner.PATIENT:
            label = _("You") if for_patient else _("The patient")
            if for_caregiver:
                label = plan.patient.first_name
        elif action.owner == Owner.CAREGIVER:
            label = _("Your caregiver") if for_patient else _("The caregiver")
            if for_caregiver:
                label = _("You (caregiver)")
        elif action.owner == Owner.MEMBER and action.membership is not None:
            pro = action.membership.professional
            label = f"{pro} — {pro.get_profession_display()}"
        else:
            label = action.provider
        key = (order[Owner(action.owner)], label)
        groups.setdefault(key, OwnerGroup(label=label)).actions.append(action)
    return [groups[key] for key in sorted(groups)]


@dataclass
class PlanChanges:
    """What a version changes from the one before it."""

    previous: CarePlan | None
    goals_added: list[str] = field(default_factory=list)
    goals_removed: list[str] = field(default_factory=list)
    actions_added: list[str] = field(default_factory=list)
    actions_removed: list[str] = field(default_factory=list)
    actions_changed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return any(
            (
                self.goals_added,
                self.goals_removed,
                self.actions_added,
                self.actions_removed,
                self.actions_changed,
            )
        )


def _action_key(action: Action) -> str:
    return " ".join(action.what.lower().split())


def careplan_changes(plan: CarePlan) -> PlanChanges:
    """Compare a version with the previous one: goals and actions added, removed, changed."""
    previous = (
        CarePlan.objects.filter(patient_id=plan.patient_id, version__lt=plan.version)
        .order_by("-version")
        .first()
    )
    changes = PlanChanges(previous=previous)
    if previous is None:
        return changes
    old_goals = [g.text for g in previous.goals.all()]
    new_goals = [g.text for g in plan.goals.all()]
    changes.goals_added = [g for g in new_goals if g not in old_goals]
    changes.goals_removed = [g for g in old_goals if g not in new_goals]
    old = {_action_key(a): a for a in previous.actions.select_related("membership__professional")}
    new = {_action_key(a): a for a in plan.actions.select_related("membership__professional")}
    changes.actions_added = [a.what for key, a in new.items() if key not in old]
    changes.actions_removed = [a.what for key, a in old.items() if key not in new]
    changes.actions_changed = [
        a.what
        for key, a in new.items()
        if key in old
        and (a.who, a.when, a.due_date, a.repeat_label)
        != (old[key].who, old[key].when, old[key].due_date, old[key].repeat_label)
    ]
    return changes


def in_force_and_open(patient: Patient) -> tuple[CarePlan | None, CarePlan | None]:
    plans = {
        p.status: p
        for p in CarePlan.objects.filter(patient=patient)
        .exclude(status=PlanStatus.SUPERSEDED)
        .select_related(*CHANGES_BY)
    }
    in_force = plans.get(PlanStatus.VALIDATED)
    open_plan = next(
        (
            plans[s]
            for s in (PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.CHANGES_REQUESTED)
            if s in plans
        ),
        None,
    )
    return in_force, open_plan


# Where the patient's experience form keeps their goals and what matters most to them.
PATIENT_GOAL_FIELDS = ("goals", "what_matters_most")


def _goal_key(text: str) -> str:
    return " ".join(re.sub(r"[«»\"“”.!]", " ", text).lower().split())


def patient_goals(plan: CarePlan, goals: list[Goal]) -> list[str]:
    """The goals the patient wrote in their experience form (the plan's SIC's, else the
    latest one submitted), one per line, those not yet goals of the plan."""
    from sic.models import Contribution, ContributionKind, ContributionStatus

    forms = Contribution.objects.filter(
        sic__patient_id=plan.patient_id,
        kind=ContributionKind.PATIENT_EXPERIENCE,
        status=ContributionStatus.SUBMITTED,
    )
    form = (forms.filter(sic_id=plan.sic_id).first() if plan.sic_id else None) or forms.order_by(
        "-submitted_at", "-pk"
    ).first()
    if form is None:
        return []
    taken = {_goal_key(g.text) for g in goals}
    offered: list[str] = []
    for name in PATIENT_GOAL_FIELDS:
        value = form.content.get(name)
        for line in str(value or "").splitlines():
            text = line.strip().lstrip("-•*").strip()
            if text and _goal_key(text) not in taken:
                taken.add(_goal_key(text))
                offered.append(text)
    return offered


def plan_awaiting_patient(patient: Patient) -> CarePlan | None:
    """The plan the patient's home speaks of: proposed and waiting for their answer, or
    with their request for changes (and the team's answer) while the team revises it."""
    return CarePlan.objects.filter(
        patient=patient, status__in=(PlanStatus.PROPOSED, PlanStatus.CHANGES_REQUESTED)
    ).first()


# What the dashboard's list of requests for changes shows of a plan (on every page view).
CHANGES_FIELDS = (
    "pk",
    "version",
    "patient_id",
    "patient__last_name",
    "patient__first_name",
    "changes_requested_at",
    "changes_requested_by__role",
    "changes_answer",
)


def changes_to_answer(coordinator: User, *, limit: int = 10) -> tuple[list[CarePlan], int]:
    """The plans of the coordinator's patients whose patient asked for changes, the oldest
    request first (at most `limit`), and how many there are: the dashboard's task. Counted
    only when the page is full (most days: a few requests, one query)."""
    plans = visible_plans(coordinator).filter(
        status=PlanStatus.CHANGES_REQUESTED, patient__coordinator=coordinator
    )
    shown = list(
        plans.select_related("patient", "changes_requested_by")
        .only(*CHANGES_FIELDS)
        .order_by("changes_requested_at", "pk")[:limit]
    )
    return shown, (plans.count() if len(shown) == limit else len(shown))
