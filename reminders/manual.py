"""The reminder a coordinator sends by hand about a patient: to whom, about what, its words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labparcours.models import Role, User
from labparcours.permissions import is_patient_side
from patients.models import Patient
from patients.recipients import member_users, patient_side
from reminders.events import reminders_notify
from reminders.models import Reminder
from reminders.registry import Kind, register
from teams.models import TeamRole


class Topic:
    """What a reminder sent by hand is about; it decides the link."""

    SIC = "sic"
    PLAN = "plan"
    GENERAL = "general"

    CHOICES = (
        (SIC, gettext_lazy("Prepare the coming SIC")),
        (PLAN, gettext_lazy("The care plan")),
        (GENERAL, gettext_lazy("Something waits in Lab Parcours")),
    )


def _text(context: Mapping[str, Any], initials: str) -> str:
    topic = context.get("topic")
    if topic == Topic.SIC:
        text = _(
            "Your coordinator reminds you of the coming SIC of patient %(initials)s: "
            "please prepare it."
        )
    elif topic == Topic.PLAN:
        text = _(
            "Your coordinator asks you to look at the care plan of patient %(initials)s in "
            "Lab Parcours."
        )
    else:
        text = _(
            "Something about patient %(initials)s waits for you in Lab Parcours: please log in."
        )
    return text % {"initials": initials}


MANUAL = Kind(
    key="manual",
    label=gettext_lazy("Reminder sent by the coordinator"),
    roles=(Role.CLINICIAN, Role.PATIENT, Role.CAREGIVER),
    title=gettext_lazy("Reminder from your coordinator — %(initials)s"),
    text=_text,
    by_hand=True,
)
register(MANUAL)


def manual_recipients(patient: Patient) -> list[tuple[User, str]]:
    """Who the coordinator may remind about this patient: the team members with an account
    (when the patient shares with the team), the patient and their delegated caregivers."""
    patients = Patient.objects.filter(pk=patient.pk).values("pk")
    members = member_users(patients)
    side = patient_side(patients)
    roles = {user_id: TeamRole(role).label for role, user_id in members.get(patient.pk, [])}
    for user_id in side.caregivers.get(patient.pk, []):
        roles.setdefault(user_id, Role.CAREGIVER.label)
    if patient.pk in side.patient:
        roles[side.patient[patient.pk]] = Role.PATIENT.label
    users = User.objects.filter(pk__in=roles).order_by("last_name", "first_name", "pk")
    return [(user, str(roles[user.pk])) for user in users]


def manual_link(*, patient: Patient, recipient: User, topic: str) -> str:
    if is_patient_side(recipient):
        return (
            reverse("careplans:my_plan") if topic == Topic.PLAN else reverse("patients:my_record")
        )
    if topic == Topic.PLAN:
        return reverse("careplans:my_actions")
    if topic == Topic.SIC:
        sic = patient.sics.open().first()
        if sic is not None:
            return reverse("sic:detail", args=[sic.pk])
    return reverse("patients:detail", args=[patient.pk])


def reminder_send_manual(*, patient: Patient, recipient: User, topic: str, by: User) -> Reminder:
    """Write a reminder by hand in the ledger (its own cycle: the moment), then send it."""
    (reminder_id,) = reminders_notify(
        kind=MANUAL,
        patient_id=patient.pk,
        target_key=f"patient:{patient.pk}:{topic}",
        to={recipient.pk: manual_link(patient=patient, recipient=recipient, topic=topic)},
        context={"topic": topic},
        by=by,
    )
    return Reminder.objects.select_related("recipient").get(pk=reminder_id)
