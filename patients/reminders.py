"""What the pathway reminds people of: a follow-up contact due after a hospital discharge
(to the GPs on day 5 of 7, to the specialists on day 45 of 60) and, once a window is missed, the
break (rupture) to the coordinator, found by rules; and the events of the pathway, told when
they are recorded: a discharge (to the team), a death or a move out of the territory (to the
team, with care).

The sentences carry the patient's initials and dates, never the cause, the establishment or
anything else of the stay: what happened is read on the patient's page, behind the login.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labparcours.links import page, pages
from labparcours.models import Role
from labparcours.roles import CARE_WORKERS
from patients.models import (
    WINDOW_RULES,
    FollowUpKind,
    FollowUpWindow,
    PathwayEvent,
    Patient,
    PatientStatus,
)
from patients.recipients import coordinator_of, member_users
from reminders.events import reminders_notify, reminders_resolve
from reminders.registry import Candidate, Kind, day, register
from teams.models import TeamRole

# Who is reminded of a window: the GPs of a medical contact, the specialists of theirs.
WINDOW_ROLES = {FollowUpKind.MEDICAL: TeamRole.GP, FollowUpKind.SPECIALIST: TeamRole.SPECIALIST}


def event_page(patient_id: uuid.UUID, event_id: int) -> str:
    """The event's page: what happened, its follow-up windows and the « contact made » button."""
    return page("patients:pathway_event", patient_id, event_id)


def event_target(event: PathwayEvent) -> str:
    return f"pathway:{event.pk}"


def window_target(window_id: int) -> str:
    return f"followup:{window_id}"


def _contact_label(kind: str) -> str:
    return str(_("medical contact") if kind == FollowUpKind.MEDICAL else _("specialist contact"))


# --- A follow-up contact due soon -----------------------------------------------------------

FOLLOWUP_DUE = Kind(
    key="followup_due",
    label=gettext_lazy("Follow-up contact due after a hospital discharge"),
    roles=(Role.CLINICIAN,),
    title=gettext_lazy("Follow-up contact to make — %(initials)s"),
    text=lambda context, initials: (
        _(
            "A %(contact)s with patient %(initials)s is due by %(date)s. Once it is made, "
            "record it in one tap from the link."
        )
        % {
            "contact": _contact_label(context["contact"]),
            "initials": initials,
            "date": day(context["date"]),
        }
    ),
)


# --- A window missed: a break in the pathway ------------------------------------------------

FOLLOWUP_BROKEN = Kind(
    key="followup_broken",
    label=gettext_lazy("Break in the pathway: no follow-up contact in time"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Break in the pathway — %(initials)s"),
    text=lambda context, initials: (
        _(
            "No %(contact)s with patient %(initials)s was recorded by %(date)s: the pathway is "
            "broken until a contact is made."
        )
        % {
            "contact": _contact_label(context["contact"]),
            "initials": initials,
            "date": day(context["date"]),
        }
    ),
)


def followups(now: datetime.datetime) -> list[Candidate]:
    """The unmet windows of included patients, in one query:

    - on their reminder day or later (day 5 of 7, day 45 of 60) and not over → the team's
      GPs (a medical contact) or specialists (a specialist one), once per window; the day
      after the window, the sweep closes what was not sent: it is a break then;
    - over without a contact → the patient's coordinator (while their account is active),
      once per window; « Ruptures » lists it until a contact is made.
    """
    today = timezone.localdate(now)
    reminded = Q()
    for window_kind, rule in WINDOW_RULES.items():
        reminded |= Q(
            kind=window_kind,
            opens_on__lte=today - datetime.timedelta(days=rule.remind_on_day),
            closes_on__gte=today,
        )
    rows = list(
        FollowUpWindow.objects.unmet()
        .filter(patient__status=PatientStatus.INCLUDED)
        .filter(reminded | Q(closes_on__lt=today))
        .values_list(
            "pk",
            "event_id",
            "patient_id",
            "kind",
            "closes_on",
            "patient__coordinator_id",
            "patient__coordinator__is_active",
        )
    )
    open_ids = {row[2] for row in rows if row[4] >= today}
    members = (
        member_users(
            Patient.objects.filter(pk__in=open_ids).values("pk"), roles=WINDOW_ROLES.values()
        )
        if open_ids
        else {}
    )
    candidates = []
    event_pages = pages("patients:pathway_event", uuid.UUID, int)
    for window_id, event_id, patient_id, kind, closes_on, coordinator_id, active in rows:
        link = event_pages(patient_id, event_id)
        context = {"date": closes_on.isoformat(), "contact": kind}
        if closes_on < today:
            if active:
                candidates.append(
                    Candidate(
                        FOLLOWUP_BROKEN.key,
                        coordinator_id,
                        patient_id,
                        window_target(window_id),
                        "broken",
                        link,
                        context,
                    )
                )
            continue
        candidates += [
            Candidate(
                FOLLOWUP_DUE.key,
                user_id,
                patient_id,
                window_target(window_id),
                "due",
                link,
                context,
            )
            for role, user_id in members.get(patient_id, [])
            if role == WINDOW_ROLES[FollowUpKind(kind)]
        ]
    return candidates


register(FOLLOWUP_DUE, FOLLOWUP_BROKEN, find=followups)


# --- Events of the pathway: a discharge, a death, a move ------------------------------------


def _discharge_text(context: Mapping[str, Any], initials: str) -> str:
    return _(
        "An event of the pathway of patient %(initials)s calls for a follow-up: a medical "
        "contact is due by %(medical)s and a specialist contact by %(specialist)s. The details "
        "are on the patient's page."
    ) % {
        "initials": initials,
        "medical": day(context["medical"]),
        "specialist": day(context["specialist"]),
    }


DISCHARGE = Kind(
    key="pathway_discharge",
    label=gettext_lazy("Hospital discharge of a patient"),
    roles=CARE_WORKERS,
    title=gettext_lazy("Follow-up to organise — %(initials)s"),
    text=_discharge_text,
    by_hand=True,
)
DEATH = Kind(
    key="pathway_death",
    label=gettext_lazy("Death of a patient"),
    roles=CARE_WORKERS,
    title=gettext_lazy("We have learned of the death of %(initials)s"),
    text=lambda context, initials: (
        _(
            "We have learned of the death of patient %(initials)s, on %(date)s. Their SICs and "
            "reminders are stopped and their care plan is archived; their record stays "
            "readable. Thank you for the care you gave them."
        )
        % {"initials": initials, "date": day(context["date"])}
    ),
    by_hand=True,
)
MOVED = Kind(
    key="pathway_moved",
    label=gettext_lazy("Patient moved out of the territory"),
    roles=CARE_WORKERS,
    title=gettext_lazy("Leaves the programme — %(initials)s"),
    text=lambda context, initials: (
        _(
            "Patient %(initials)s has moved out of the territory (%(date)s) and leaves the "
            "programme. Their SICs and reminders are stopped and their care plan is archived; "
            "their record stays readable."
        )
        % {"initials": initials, "date": day(context["date"])}
    ),
    by_hand=True,
)
register(DISCHARGE, DEATH, MOVED)


def team_users(patient_id: uuid.UUID) -> list[int]:
    """The accounts of the patient's active team members, while the patient is in the
    programme (a departure is told before the patient leaves it)."""
    members = member_users(Patient.objects.filter(pk=patient_id).values("pk"))
    return [user_id for _role, user_id in members.get(patient_id, [])]


def discharge_recorded(
    event: PathwayEvent, windows: Iterable[FollowUpWindow], *, by_id: int
) -> None:
    """A discharge is recorded: the team and the coordinator learn it (but who recorded it),
    with the deadlines of the windows it opens, and a link to the one-tap contact page."""
    deadlines = {window.kind: window.closes_on.isoformat() for window in windows}
    told = {*team_users(event.patient_id), *coordinator_of(event.patient_id)} - {by_id}
    reminders_notify(
        kind=DISCHARGE,
        patient_id=event.patient_id,
        target_key=event_target(event),
        to=dict.fromkeys(sorted(told), event_page(event.patient_id, event.pk)),
        context={
            "medical": deadlines[FollowUpKind.MEDICAL],
            "specialist": deadlines[FollowUpKind.SPECIALIST],
        },
        cycle=f"discharge:{event.discharged_on}",
    )


def windows_met(window_ids: Iterable[int], events: Iterable[PathwayEvent]) -> None:
    """A contact met these windows: their reminders are done; the discharge's notification
    too, once every window of its event is met."""
    reminders_resolve(targets=[window_target(pk) for pk in window_ids])
    done = [event_target(event) for event in events if not event.windows.unmet().exists()]
    if done:
        reminders_resolve(targets=done, kinds=[DISCHARGE])


def departure_told(
    *, patient_id: uuid.UUID, told: Iterable[int], death: bool, on: datetime.date
) -> None:
    """The team (`told`, read before the patient left) learns the death or the move."""
    reminders_notify(
        kind=DEATH if death else MOVED,
        patient_id=patient_id,
        target_key=f"patient:{patient_id}",
        to=dict.fromkeys(sorted(set(told)), page("patients:detail", patient_id)),
        context={"date": on.isoformat()},
        cycle="death" if death else f"moved:{on.isoformat()}",
    )
