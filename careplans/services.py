"""Care-plan workflows: new versions, decisions turned into actions, the plan proposed to the
patient and their answer (validation, or changes asked and answered), each told to whom must
act next (`careplans.reminders`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from budget.models import CareProvider
from careplans import reminders
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
                care_provider_id=a.care_provider_id,
                when=a.when,
                due_date=a.due_date,
                repeat_every=a.repeat_every,
                repeat_unit=a.repeat_unit,
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
    care_provider: CareProvider | None = None
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
            care_provider=row.care_provider,
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
    role that may not (403), `ValidationError` for a missing sheet or a sheet with a
    validation not on paper (400), `InvalidTransition` for a plan not proposed (409).
    """
    # Two validations of the same patient's plans at once would both supersede "the plan in
    # force": the patient's row serialises them.
    Patient.objects.select_for_update().filter(pk=plan.patient_id).first()
    plan.refresh_from_db()
    plan.validate(by=by, method=method, scan=scan)
    reminders.plan_validated(plan, by=by)
    return plan


@transaction.atomic
def careplan_propose(*, plan: CarePlan, by: User) -> CarePlan:
    """Propose the plan (a draft, or a plan revised after the patient's request) to the
    patient, who is told at once, with their delegated caregivers."""
    plan.propose()
    reminders.plan_proposed(plan, by=by)
    return plan


@transaction.atomic
def careplan_changes_request(*, plan: CarePlan, by: User, comment: str) -> CarePlan:
    """The patient (or their caregiver) asks for changes; their coordinator is told at once.
    The page and the API both call it."""
    plan.request_changes(by=by, comment=comment)
    reminders.plan_changes_requested(plan, by=by)
    return plan


@transaction.atomic
def careplan_changes_answer(
    *, plan: CarePlan, by: User, answer: str, propose: bool = False
) -> CarePlan:
    """The team answers the patient's request, and with `propose` proposes the revised plan
    at once: the patient is told once, of the answer or of the plan to read with it."""
    plan.answer_changes(by=by, answer=answer)
    if propose:
        return careplan_propose(plan=plan, by=by)
    reminders.plan_changes_answered(plan, by=by)
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


def careplan_change_goal(*, plan: CarePlan, goal: Goal, text: str) -> Goal:
    """A goal rewritten in place (its place in the list stays)."""
    plan.ensure_editable()
    if goal.plan_id != plan.pk:
        raise DomainError(_("This goal belongs to another plan."))
    if not text.strip():
        raise DomainError(_("Write the goal in the patient's words."))
    goal.text = text.strip()
    goal.save(update_fields=["text"])
    return goal


def careplan_change_action(*, plan: CarePlan, action: Action) -> Action:
    """An action rewritten in place: what, who, when; its place, its decision and how far it
    has gone stay."""
    plan.ensure_editable()
    if action.plan_id != plan.pk:
        raise DomainError(_("This action belongs to another plan."))
    action.full_clean()
    action.save()
    return action


def careplan_remove(*, plan: CarePlan, item: Goal | Action) -> None:
    plan.ensure_editable()
    item.delete()


@transaction.atomic
def careplan_archive_current(*, patient: Patient) -> list[CarePlan]:
    """The patient left the programme: their plan in force and the version in the making, if
    any, are archived (readable, no longer followed); the plans archived."""
    current = list(
        CarePlan.objects.select_for_update()
        .filter(patient=patient)
        .exclude(status__in=[PlanStatus.SUPERSEDED, PlanStatus.ARCHIVED])
    )
    for plan in current:
        plan.archive()
    return current
