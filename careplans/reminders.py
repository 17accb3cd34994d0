"""What the care plans remind people of: a plan waiting for the patient's answer (to the
patient, then to the coordinator) and the actions past their date (to their owners), found by
rules; and the events of a plan, told when they happen: proposed (to the patient's side),
changes asked (to the coordinator) and answered (to the patient's side), in force (to the
members who carry its actions).

Each kind is registered with its rule, or as written at an event (see `reminders.registry`).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import JSONObject, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from careplans.models import Action, CarePlan, Owner, PlanStatus
from labparcours.links import page
from labparcours.models import Role, User
from labparcours.roles import PATIENT_SIDE
from patients.models import Patient, PatientStatus
from patients.recipients import coordinator_of, patient_side
from patients.selectors import audience_membership, patient_audience
from reminders.events import reminders_notify, reminders_resolve
from reminders.registry import Kind, Selection, day, register, start_of
from reminders.sql import LocalISO, UUIDText, page_sql, target, text

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
    own_title=gettext_lazy("Your care plan is waiting for your answer"),
    own_text=lambda context: (
        _(
            "Your care plan was proposed on %(date)s: please read it, then validate it or ask "
            "for changes."
        )
        % {"date": day(context["date"])}
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


def plans_unanswered(now: datetime.datetime) -> Selection:
    """A care plan proposed to the patient and not answered: after N days → the patient (and
    their caregivers), after M days → the coordinator. One cycle per proposal (the moment it
    was proposed, local time). Written by the database."""
    today = timezone.localdate(now)

    def proposed_before(days: int) -> QuerySet:
        # Proposed on day D is due from D + days: proposed before the day after today - days.
        limit = start_of(today - datetime.timedelta(days=days - 1))
        return CarePlan.objects.filter(
            status=PlanStatus.PROPOSED,
            proposed_at__lt=limit,
            patient__status=PatientStatus.INCLUDED,
        ).order_by()

    def rows(plans: QuerySet, kind: Kind, recipient: str, link: Any, days: int) -> QuerySet:
        return plans.values_list(
            Value(kind.key),
            target("plan", text("pk")),
            recipient,
            LocalISO("proposed_at"),
            "patient_id",
            link,
            JSONObject(date=text(TruncDate("proposed_at")), days=Value(days)),
        )

    patient_days = settings.LABPARCOURS_REMINDER_PLAN_PATIENT_DAYS
    for_patients = proposed_before(patient_days)
    audience = patient_audience(for_patients.values("patient_id"))
    patients = audience.patients.filter(user__isnull=False)
    caregivers = audience.caregivers.filter(user__isnull=False)
    my_plan = Value(page("careplans:my_plan"))
    coordinator_days = settings.LABPARCOURS_REMINDER_PLAN_COORDINATOR_DAYS
    for_coordinators = proposed_before(coordinator_days).filter(
        patient__coordinator__is_active=True
    )
    return Selection(
        (
            rows(
                for_patients.filter(patient__in=patients),
                PLAN_TO_ANSWER,
                "patient__user_id",
                my_plan,
                patient_days,
            ),
            rows(
                for_patients.filter(patient__caregivers__in=caregivers),
                PLAN_TO_ANSWER,
                "patient__caregivers__user_id",
                my_plan,
                patient_days,
            ),
            rows(
                for_coordinators,
                PLAN_UNANSWERED,
                "patient__coordinator_id",
                page_sql("careplans:detail", (int, text("pk"))),
                coordinator_days,
            ),
        )
    )


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
    own_title=gettext_lazy("Actions of your care plan past their date"),
    own_text=lambda context: (
        ngettext(
            "%(count)s action of your care plan is past its date.",
            "%(count)s actions of your care plan are past their date.",
            context["count"],
        )
        % {"count": context["count"]}
    ),
)


def actions_late(now: datetime.datetime) -> Selection:
    """Actions of the plan in force past their date and not done → their owner, once a week
    (the cycle is the ISO week), one row per owner and patient with the count: a member
    still in the audience, the patient, each of the caregivers they delegated to. Counted and
    written by the database."""
    today = timezone.localdate(now)
    year, week, _ = today.isocalendar()
    actions = (
        Action.objects.in_force()
        .late(today)
        .filter(plan__patient__status=PatientStatus.INCLUDED)
        .order_by()
    )
    # The patient's side of the audience of every included patient: each row below keeps its
    # own patient's by its join (naming the patients with late actions would find them all a
    # second time); the members by the audience's condition on each action's own membership.
    audience = patient_audience(Patient.objects.filter(status=PatientStatus.INCLUDED).values("pk"))

    def counted(rows: QuerySet, recipient: str, patient: str, link: str, count: str) -> QuerySet:
        """One row per recipient and patient, with the count of their late actions."""
        return (
            rows.values(recipient, patient)
            .annotate(count=Count(count))
            .values_list(
                Value(ACTIONS_LATE.key),
                target("actions", UUIDText(patient)),
                recipient,
                Value(f"{year}-W{week:02d}"),
                patient,
                Value(link),
                JSONObject(count=F("count")),
            )
        )

    patients = audience.patients.filter(user__isnull=False)
    caregivers = audience.caregivers.filter(user__isnull=False).order_by()
    my_actions, my_plan = page("careplans:my_actions"), page("careplans:my_plan")
    return Selection(
        (
            counted(
                actions.filter(
                    owner=Owner.MEMBER, membership__professional__user__isnull=False
                ).filter(audience_membership("membership")),
                "membership__professional__user_id",
                "plan__patient_id",
                my_actions,
                "pk",
            ),
            counted(
                actions.filter(owner=Owner.PATIENT, plan__patient__in=patients),
                "plan__patient__user_id",
                "plan__patient_id",
                my_plan,
                "pk",
            ),
            counted(
                caregivers.filter(
                    patient__care_plans__actions__in=actions.filter(owner=Owner.CAREGIVER)
                ),
                "user_id",
                "patient_id",
                my_plan,
                "patient__care_plans__actions",
            ),
        )
    )


register(ACTIONS_LATE, find=actions_late)


# --- Events of a plan: proposed, changes asked and answered, in force -----------------------
#
# Written at the moment by `careplans.services` (see `reminders.events`); each is about the
# plan (`plan:<id>`, the target of the plan's rules above too), so that what the plan's next
# step makes done leaves every list at once.


def plan_target(plan: CarePlan) -> str:
    return f"plan:{plan.pk}"


def _plan_proposed_text(context: Mapping[str, Any], initials: str) -> str:
    if context.get("revised"):
        text = _(
            "The care team revised the care plan of patient %(initials)s after the changes you "
            "asked for: please read it and its answer, then validate it or ask for changes."
        )
    else:
        text = _(
            "The care team proposes a care plan to patient %(initials)s: please read it, then "
            "validate it or ask for changes."
        )
    return text % {"initials": initials}


PLAN_PROPOSED = Kind(
    key="plan_proposed",
    label=gettext_lazy("Care plan proposed by the team"),
    roles=PATIENT_SIDE,
    title=gettext_lazy("Care plan to read — %(initials)s"),
    text=_plan_proposed_text,
    by_hand=True,
    own_title=gettext_lazy("Your care plan to read"),
    own_text=lambda context: (
        _(
            "Your care team revised your care plan after the changes you asked for: please "
            "read it and its answer, then validate it or ask for changes."
        )
        if context.get("revised")
        else _(
            "Your care team proposes you a care plan: please read it, then validate it or ask "
            "for changes."
        )
    ),
)


def _changes_requested_text(context: Mapping[str, Any], initials: str) -> str:
    if context.get("by") == Role.CAREGIVER:
        text = _(
            "The caregiver of patient %(initials)s asked for changes to the proposed care plan: "
            "read the request, answer it, then revise the plan and propose it again."
        )
    else:
        text = _(
            "Patient %(initials)s asked for changes to the proposed care plan: read the "
            "request, answer it, then revise the plan and propose it again."
        )
    return text % {"initials": initials}


PLAN_CHANGES_REQUESTED = Kind(
    key="plan_changes_requested",
    label=gettext_lazy("Changes asked to a care plan"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Changes asked to the care plan — %(initials)s"),
    text=_changes_requested_text,
    by_hand=True,
)
PLAN_CHANGES_ANSWERED = Kind(
    key="plan_changes_answered",
    label=gettext_lazy("Answer to a request for changes"),
    roles=PATIENT_SIDE,
    title=gettext_lazy("Answer about the care plan — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The care team answered the changes asked to the care plan of patient %(initials)s: "
            "read their answer in Lab Parcours."
        )
        % {"initials": initials}
    ),
    by_hand=True,
    own_title=gettext_lazy("Answer about your care plan"),
    own_text=lambda context: _(
        "Your care team answered the changes you asked to your care plan: read their answer in "
        "Lab Parcours."
    ),
)


def _in_force_text(context: Mapping[str, Any], initials: str) -> str:
    count = context["count"]
    return ngettext(
        "The care plan of patient %(initials)s is in force: you carry %(count)s action of it.",
        "The care plan of patient %(initials)s is in force: you carry %(count)s actions of it.",
        count,
    ) % {"count": count, "initials": initials}


PLAN_IN_FORCE = Kind(
    key="plan_in_force",
    label=gettext_lazy("Care plan in force with actions for you"),
    roles=(Role.CLINICIAN,),
    title=gettext_lazy("Care plan in force — %(initials)s"),
    text=_in_force_text,
    by_hand=True,
)
register(PLAN_PROPOSED, PLAN_CHANGES_REQUESTED, PLAN_CHANGES_ANSWERED, PLAN_IN_FORCE)


def _patient_side_of(plan: CarePlan) -> dict[int, str]:
    side = patient_side(Patient.objects.filter(pk=plan.patient_id))
    return dict.fromkeys(side.users(plan.patient_id), page("careplans:my_plan"))


def plan_proposed(plan: CarePlan, *, by: User) -> None:
    """The plan is proposed (again): what was asked about it before is done; the patient and
    their caregivers are asked to read it."""
    reminders_resolve(targets=[plan_target(plan)])
    reminders_notify(
        kind=PLAN_PROPOSED,
        patient_id=plan.patient_id,
        target_key=plan_target(plan),
        to=_patient_side_of(plan),
        context={"revised": plan.was_revised},
        by=by,
    )


def plan_changes_requested(plan: CarePlan, *, by: User) -> None:
    """The patient's side answered (with a request): their reminders to answer are done; the
    patient's coordinator is asked to answer and revise."""
    reminders_resolve(targets=[plan_target(plan)])
    reminders_notify(
        kind=PLAN_CHANGES_REQUESTED,
        patient_id=plan.patient_id,
        target_key=plan_target(plan),
        to=dict.fromkeys(coordinator_of(plan.patient_id), page("careplans:detail", plan.pk)),
        context={"by": by.role},
        by=by,
    )


def plan_changes_answered(plan: CarePlan, *, by: User) -> None:
    """The team answered the request: the coordinator's task is done; the patient's side is
    told to read the answer."""
    reminders_resolve(targets=[plan_target(plan)], kinds=[PLAN_CHANGES_REQUESTED])
    reminders_notify(
        kind=PLAN_CHANGES_ANSWERED,
        patient_id=plan.patient_id,
        target_key=plan_target(plan),
        to=_patient_side_of(plan),
        by=by,
    )


def plan_validated(plan: CarePlan, *, by: User) -> None:
    """The plan is in force: every reminder about it is done; the members who carry its
    actions are told how many."""
    reminders_resolve(targets=[plan_target(plan)])
    members = patient_audience(Patient.objects.filter(pk=plan.patient_id)).members
    counts = Counter(
        plan.actions.filter(
            owner=Owner.MEMBER,
            membership__in=members,
            membership__professional__user__isnull=False,
        ).values_list("membership__professional__user_id", flat=True)
    )
    for user_id, count in counts.items():
        reminders_notify(
            kind=PLAN_IN_FORCE,
            patient_id=plan.patient_id,
            target_key=plan_target(plan),
            to={user_id: page("careplans:my_actions")},
            context={"count": count},
            cycle="in_force",
            by=by,
        )
