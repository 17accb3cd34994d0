"""What the care plans remind people of: a plan waiting for the patient's answer (to the
patient, then to the coordinator) and the actions past their date (to their owners).

Each kind is registered with its rule (see `reminders.registry`).
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from careplans.models import Action, CarePlan, Owner, PlanStatus
from labparcours.models import Role
from labparcours.roles import PATIENT_SIDE
from patients.models import PatientStatus
from patients.recipients import patient_side
from patients.selectors import patient_audience
from reminders.registry import Candidate, Kind, day, page, register, start_of

# --- A care plan waiting for the patient's answer -------------------------------------------

PLAN_TO_ANSWER = Kind(
    key="plan_to_answer",
    label=gettext_lazy("Care plan waiting for the patient's answer"),
    roles=PATIENT_SIDE,
    title=gettext_lazy("Care plan waiting for an answer — %(initials)s"),
    text=lambda context, initials: (
        _(
            "A care plan for patient %(initials)s was proposed on %(date)s: please read it, then "
            "validate it or ask for changes."
        )
        % {"initials": initials, "date": day(context["date"])}
    ),
)
PLAN_UNANSWERED = Kind(
    key="plan_unanswered",
    label=gettext_lazy("Care plan left unanswered by the patient"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Care plan unanswered — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The care plan proposed to patient %(initials)s on %(date)s has had no answer for "
            "%(days)s days."
        )
        % {"initials": initials, "date": day(context["date"]), "days": context["days"]}
    ),
)


def plans_unanswered(now: datetime.datetime) -> list[Candidate]:
    """A care plan proposed to the patient and not answered: after N days → the patient (and
    their caregivers), after M days → the coordinator. One cycle per proposal."""
    today = timezone.localdate(now)

    def proposed_before(days: int) -> QuerySet:
        # Proposed on day D is due from D + days: proposed before the day after today - days.
        limit = start_of(today - datetime.timedelta(days=days - 1))
        return CarePlan.objects.filter(
            status=PlanStatus.PROPOSED,
            proposed_at__lt=limit,
            patient__status=PatientStatus.INCLUDED,
        )

    def cycle_and_context(proposed_at: datetime.datetime, days: int) -> tuple[str, dict]:
        local = timezone.localtime(proposed_at)
        return local.isoformat(timespec="seconds"), {"date": local.date().isoformat(), "days": days}

    candidates = []
    patient_days = settings.LABPARCOURS_REMINDER_PLAN_PATIENT_DAYS
    for_patients = proposed_before(patient_days)
    side = patient_side(for_patients.values("patient_id"))
    for plan_id, patient_id, proposed_at in for_patients.values_list(
        "pk", "patient_id", "proposed_at"
    ):
        cycle, context = cycle_and_context(proposed_at, patient_days)
        candidates += [
            Candidate(
                PLAN_TO_ANSWER.key,
                user_id,
                patient_id,
                f"plan:{plan_id}",
                cycle,
                page("careplans:my_plan"),
                context,
            )
            for user_id in side.users(patient_id)
        ]
    coordinator_days = settings.LABPARCOURS_REMINDER_PLAN_COORDINATOR_DAYS
    for_coordinators = proposed_before(coordinator_days).filter(
        patient__coordinator__is_active=True
    )
    for plan_id, patient_id, proposed_at, coordinator_id in for_coordinators.values_list(
        "pk", "patient_id", "proposed_at", "patient__coordinator_id"
    ):
        cycle, context = cycle_and_context(proposed_at, coordinator_days)
        candidates.append(
            Candidate(
                PLAN_UNANSWERED.key,
                coordinator_id,
                patient_id,
                f"plan:{plan_id}",
                cycle,
                page("careplans:detail", plan_id),
                context,
            )
        )
    return candidates


register(PLAN_TO_ANSWER, PLAN_UNANSWERED, find=plans_unanswered)


# --- Actions past their date ----------------------------------------------------------------


def _actions_late_text(context: Mapping[str, Any], initials: str) -> str:
    count = context["count"]
    return ngettext(
        "%(count)s action of the care plan of patient %(initials)s is past its date.",
        "%(count)s actions of the care plan of patient %(initials)s are past their date.",
        count,
    ) % {"count": count, "initials": initials}


ACTIONS_LATE = Kind(
    key="actions_late",
    label=gettext_lazy("Care-plan actions past their date"),
    roles=(Role.CLINICIAN, *PATIENT_SIDE),
    title=gettext_lazy("Actions past their date — %(initials)s"),
    text=_actions_late_text,
)


def actions_late(now: datetime.datetime) -> list[Candidate]:
    """Actions of the plan in force past their date and not done → their owner, once a week
    (the cycle is the ISO week), one row per owner and patient with the count."""
    today = timezone.localdate(now)
    year, week, _ = today.isocalendar()
    cycle = f"{year}-W{week:02d}"
    actions = (
        Action.objects.in_force().late(today).filter(plan__patient__status=PatientStatus.INCLUDED)
    )
    patients = actions.values("plan__patient_id")
    side = patient_side(patients)
    members = patient_audience(patients).members.filter(professional__user__isnull=False)
    counts: dict[tuple[int, uuid.UUID, str], int] = defaultdict(int)
    rows = actions.annotate(
        reachable=Exists(members.filter(pk=OuterRef("membership_id")))
    ).values_list("owner", "plan__patient_id", "membership__professional__user_id", "reachable")
    for owner, patient_id, member_user, reachable in rows:
        if owner == Owner.MEMBER:
            if reachable:
                counts[(member_user, patient_id, page("careplans:my_actions"))] += 1
        elif owner == Owner.PATIENT and patient_id in side.patient:
            counts[(side.patient[patient_id], patient_id, page("careplans:my_plan"))] += 1
        elif owner == Owner.CAREGIVER:
            for user_id in side.caregivers.get(patient_id, []):
                counts[(user_id, patient_id, page("careplans:my_plan"))] += 1
    return [
        Candidate(
            ACTIONS_LATE.key,
            user_id,
            patient_id,
            f"actions:{patient_id}",
            cycle,
            link,
            {"count": count},
        )
        for (user_id, patient_id, link), count in counts.items()
    ]


register(ACTIONS_LATE, find=actions_late)
