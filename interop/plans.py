"""The plan of care in FHIR: the care plan's versions with their goals and actions, and the
SICs held (the encounters where the team decided them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from careplans.models import Action, ActionStatus, CarePlan, Goal, Owner, PlanStatus, RepeatUnit
from interop import systems
from interop.fhirtypes import Resource, coding, compact, concept, instant, period, ref
from sic.models import Attendance, Sic, SicStatus

# A plan in the making is a draft until the patient validates it; superseded by a newer
# version, or archived when the patient left, it no longer applies (revoked).
PLAN_STATUS = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.PROPOSED: "draft",
    PlanStatus.CHANGES_REQUESTED: "draft",
    PlanStatus.VALIDATED: "active",
    PlanStatus.SUPERSEDED: "revoked",
    PlanStatus.ARCHIVED: "revoked",
}
GOAL_STATUS = {
    PlanStatus.DRAFT: "proposed",
    PlanStatus.PROPOSED: "proposed",
    PlanStatus.CHANGES_REQUESTED: "proposed",
    PlanStatus.VALIDATED: "active",
    PlanStatus.SUPERSEDED: "cancelled",
    PlanStatus.ARCHIVED: "cancelled",
}
ACTIVITY_STATUS = {
    ActionStatus.TODO: "not-started",
    ActionStatus.IN_PROGRESS: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.DROPPED: "cancelled",
}
PERIOD_UNIT = {RepeatUnit.DAY: "d", RepeatUnit.WEEK: "wk", RepeatUnit.MONTH: "mo"}


def goal(goal: Goal, plan: CarePlan) -> Resource:
    """A goal of the plan, in the patient's own words (expressed by them)."""
    return {
        "resourceType": "Goal",
        "id": str(goal.pk),
        "lifecycleStatus": GOAL_STATUS[PlanStatus(plan.status)],
        "description": {"text": goal.text},
        "subject": ref("Patient", plan.patient_id),
        "expressedBy": ref("Patient", plan.patient_id),
    }


def _performer(action: Action, patient_id: object) -> Resource:
    if action.owner == Owner.MEMBER and action.membership is not None:
        pro = action.membership.professional
        return ref("Practitioner", pro.pk, str(pro))
    if action.owner == Owner.PATIENT:
        return ref("Patient", patient_id)
    return {"display": action.who}


def _schedule(action: Action) -> Resource:
    """When: every n days, weeks or months from the first time; or once, by its due date;
    or only as the plan says it in words."""
    timing: Resource = {}
    if action.repeat_every is not None and action.due_date is not None:
        timing["repeat"] = {
            "boundsPeriod": {"start": action.due_date.isoformat()},
            "frequency": 1,
            "period": action.repeat_every,
            "periodUnit": PERIOD_UNIT[RepeatUnit(action.repeat_unit)],
        }
    elif action.due_date is not None:
        timing["event"] = [action.due_date.isoformat()]
    if not timing:
        return {"scheduledString": action.when} if action.when else {}
    if action.when:
        timing["code"] = {"text": action.when}
    return {"scheduledTiming": timing}


def activity(action: Action, patient_id: object) -> Resource:
    """An action of the plan: what, who does it, when, and how far it has gone."""
    return {
        "detail": {
            "status": ACTIVITY_STATUS[ActionStatus(action.status)],
            "description": action.what,
            "performer": [_performer(action, patient_id)],
            **_schedule(action),
        }
    }


def _plan_period(plan: CarePlan) -> Resource:
    if plan.validated_at is None:
        return {}
    return period(plan.validated_at, plan.superseded_at or plan.archived_at)


def care_plan(
    plan: CarePlan,
    *,
    goals: Iterable[Goal],
    actions: Iterable[Action],
    team_id: object | None,
    replaces: object | None,
) -> Resource:
    """One version of the care plan (plan de soins): in force once the patient validated it;
    each version `replaces` the one before it."""
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "status": PLAN_STATUS[PlanStatus(plan.status)],
        "intent": "plan",
        "title": _("Care plan, version %(version)s") % {"version": plan.version},
        "subject": ref("Patient", plan.patient_id),
        "period": _plan_period(plan),
        "created": instant(plan.created_at),
        "goal": [ref("Goal", g.pk) for g in goals],
        "activity": [activity(a, plan.patient_id) for a in actions],
    }
    if replaces is not None:
        resource["replaces"] = [ref("CarePlan", replaces)]
    if team_id is not None:
        resource["careTeam"] = [ref("CareTeam", team_id)]
    if plan.sic is not None and plan.sic.status == SicStatus.HELD:
        resource["encounter"] = ref("Encounter", plan.sic_id)
    return compact(resource)


def encounter(sic: Sic, attendances: Iterable[Attendance]) -> Resource:
    """A SIC held (Synthèse Interprofessionnelle Concertée): a video meeting of the team
    about the patient; its participants are the members recorded present. Its minutes stay
    with the team's pages: they are not part of the encounter."""
    if sic.held_at is None:
        raise ValueError("Only a SIC held is an encounter.")
    ends = sic.held_at + datetime.timedelta(minutes=sic.duration_minutes)
    participants = [
        {
            "type": [concept(coding(systems.PARTICIPATION_TYPE, "PART", "Participation"))],
            "individual": ref(
                "Practitioner", a.membership.professional_id, str(a.membership.professional)
            ),
        }
        for a in attendances
        if a.present
    ]
    return compact(
        {
            "resourceType": "Encounter",
            "id": str(sic.pk),
            "status": "finished",
            "class": coding(systems.ACT_CODE, "VR", "virtual"),
            "type": [concept(text=_("Interprofessional concerted synthesis (SIC)"))],
            "subject": ref("Patient", sic.patient_id),
            "participant": participants,
            "period": period(sic.held_at, ends),
            "length": {
                "value": sic.duration_minutes,
                "unit": "min",
                "system": systems.UCUM,
                "code": "min",
            },
        }
    )
