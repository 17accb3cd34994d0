"""Care-plan workflows: new versions, decisions turned into actions, what changed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from careplans.models import (
    Action,
    ActionStatus,
    CarePlan,
    Goal,
    Owner,
    PlanStatus,
    ValidationMethod,
)
from labparcours.errors import DomainError, InvalidTransition
from labparcours.models import User
from patients.models import Patient
from sic.models import Decision, Sic, SicStatus


@transaction.atomic
def careplan_start(*, patient: Patient, by: User, sic: Sic | None = None) -> CarePlan:
    """A new draft version, starting from the latest plan's goals and open actions.

    There is one version in the making at a time: asked again, it returns that one.
    """
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    current = CarePlan.objects.open().filter(patient=patient).first()
    if current is not None:
        if sic is not None and current.sic_id is None:
            current.sic = sic
            current.save(update_fields=["sic"])
        return current
    latest = CarePlan.objects.filter(patient=patient).order_by("-version").first()
    version = (CarePlan.objects.filter(patient=patient).aggregate(v=Max("version"))["v"] or 0) + 1
    plan = CarePlan.objects.create(patient=patient, version=version, sic=sic, created_by=by)
    if latest is not None:
        Goal.objects.bulk_create(
            Goal(plan=plan, text=g.text, position=g.position) for g in latest.goals.all()
        )
        Action.objects.bulk_create(
            Action(
                plan=plan,
                what=a.what,
                owner=a.owner,
                membership_id=a.membership_id,
                provider=a.provider,
                when=a.when,
                due_date=a.due_date,
                status=a.status,
                decision_id=a.decision_id,
                position=a.position,
            )
            for a in latest.actions.select_related("membership")
            # Done and dropped actions stay in the old version; a member who left the team
            # no longer carries anything: the coordinator reassigns those actions.
            if a.status not in {ActionStatus.DONE, ActionStatus.DROPPED}
            and (a.owner != Owner.MEMBER or (a.membership is not None and a.membership.is_active))
        )
    return plan


@dataclass(frozen=True)
class DecisionAction:
    """How one SIC decision becomes an action: the text, who carries it, when."""

    decision: Decision
    what: str
    owner: str
    membership_id: int | None = None
    provider: str = ""
    when: str = ""


@transaction.atomic
def careplan_from_sic(*, sic: Sic, by: User, rows: Iterable[DecisionAction]) -> CarePlan:
    """Turn the decisions of a held SIC into actions of the next version, in one step."""
    if sic.status != SicStatus.HELD:
        raise InvalidTransition(_("Decisions become actions once the SIC is held."))
    plan = careplan_start(patient=sic.patient, by=by, sic=sic)
    plan.ensure_editable()
    start = (plan.actions.aggregate(p=Max("position"))["p"] or 0) + 1
    actions = [
        Action(
            plan=plan,
            what=row.what.strip() or row.decision.text,
            owner=row.owner,
            membership_id=row.membership_id,
            provider=row.provider,
            when=row.when,
            decision=row.decision,
            position=start + i,
        )
        for i, row in enumerate(rows)
    ]
    for action in actions:
        action.full_clean(exclude=["plan", "decision"])
    Action.objects.bulk_create(actions)
    return plan


@transaction.atomic
def careplan_validation_record(
    *, plan: CarePlan, by: User, method: str = ValidationMethod.ONLINE, scan: object = None
) -> CarePlan:
    """Record the patient's validation of their plan: online by the patient or their
    caregiver, by phone or on paper (with the scanned sheet) by the coordinator.

    The one write of a validation: the page and the API both call it, so its rules (who may,
    the scanned sheet of a paper validation) hold the same on both, and what follows a
    validation (issue 12: indemnities) has exactly one place to go. Raises `NotAllowed` for a
    role that may not (403), `ValidationError` for a missing sheet (400), `InvalidTransition`
    for a plan not proposed (409).
    """
    # Two validations of the same patient's plans at once would both supersede "the plan in
    # force": the patient's row serialises them.
    Patient.objects.select_for_update().filter(pk=plan.patient_id).first()
    plan.refresh_from_db()
    plan.validate(by=by, method=method, scan=scan)
    return plan


def careplan_add_goal(*, plan: CarePlan, text: str) -> Goal:
    plan.ensure_editable()
    if not text.strip():
        raise DomainError(_("Write the goal in the patient's words."))
    position = (plan.goals.aggregate(p=Max("position"))["p"] or 0) + 1
    return Goal.objects.create(plan=plan, text=text.strip(), position=position)


def careplan_add_action(*, plan: CarePlan, action: Action) -> Action:
    plan.ensure_editable()
    action.plan = plan
    action.position = (plan.actions.aggregate(p=Max("position"))["p"] or 0) + 1
    action.full_clean()
    action.save()
    return action


def careplan_remove(*, plan: CarePlan, item: Goal | Action) -> None:
    plan.ensure_editable()
    item.delete()


@dataclass
class OwnerGroup:
    """The actions one person (or provider) carries, for the patient's reading."""

    label: str
    actions: list[Action] = field(default_factory=list)


def actions_by_owner(plan: CarePlan, *, for_patient: bool = False) -> list[OwnerGroup]:
    """Actions grouped by who does them: the patient first, then their caregiver, the team
    members, the supplementary-care providers. Written to the patient ("You") on their side."""
    groups: dict[tuple[int, str], OwnerGroup] = {}
    order = {Owner.PATIENT: 0, Owner.CAREGIVER: 1, Owner.MEMBER: 2, Owner.PROVIDER: 3}
    for action in plan.actions.select_related("membership__professional").order_by("position"):
        if action.owner == Owner.PATIENT:
            label = _("You") if for_patient else _("The patient")
        elif action.owner == Owner.CAREGIVER:
            label = _("Your caregiver") if for_patient else _("The caregiver")
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
        and (a.who, a.when, a.due_date) != (old[key].who, old[key].when, old[key].due_date)
    ]
    return changes


def in_force_and_open(patient: Patient) -> tuple[CarePlan | None, CarePlan | None]:
    plans = {
        p.status: p
        for p in CarePlan.objects.filter(patient=patient).exclude(status=PlanStatus.SUPERSEDED)
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
