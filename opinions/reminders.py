"""What specialist opinions remind people of: the question, told to the specialist when it is
asked; its deadline coming, to the specialist; its deadline passed without an answer, to the
patient's coordinator; the answer, to the asker and the team.

The events are written by `opinions.services` (`reminders.events`); the deadline's reminders
are found by the rules below, which the sweep runs. All are about the request
(`opinion:<id>`): its answer or its closure resolves them. The sentences carry the patient's
initials and dates, never the question, the answer or the specialty.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labparcours.links import page
from labparcours.models import Role, User
from labparcours.roles import CARE_WORKERS
from opinions.models import OpinionRequest, OpinionStatus
from patients.models import Patient, PatientStatus
from patients.recipients import member_users
from reminders.events import reminders_notify, reminders_resolve
from reminders.registry import Candidate, Kind, day, register


def opinion_target(request: OpinionRequest | int) -> str:
    return f"opinion:{request if isinstance(request, int) else request.pk}"


def _request_page(request_id: int) -> str:
    return page("opinions:detail", request_id)


def _due(context: Mapping[str, Any]) -> str:
    """The deadline of a row's context, as a sentence shows it (12 mars 2026, 14:00)."""
    return f"{day(context['date'])}, {context['time']}"


def due_context(due_at: datetime.datetime) -> dict[str, str]:
    """The deadline as a row's context keeps it: the day and the time, in Paris."""
    local = timezone.localtime(due_at)
    return {"date": local.date().isoformat(), "time": f"{local:%H:%M}"}


# --- Asked: to the specialist ------------------------------------------------------------------

OPINION_ASKED = Kind(
    key="opinion_asked",
    label=gettext_lazy("A specialist opinion asked of you"),
    roles=(Role.CLINICIAN,),
    title=gettext_lazy("Specialist opinion asked — %(initials)s"),
    text=lambda context, initials: (
        _("A specialist opinion about patient %(initials)s is asked of you, to answer by %(due)s.")
        % {"initials": initials, "due": _due(context)}
    ),
    by_hand=True,
)


# --- The deadline coming: to the specialist -------------------------------------------------

OPINION_DUE_SOON = Kind(
    key="opinion_due_soon",
    label=gettext_lazy("A specialist opinion to answer soon"),
    roles=(Role.CLINICIAN,),
    title=gettext_lazy("Specialist opinion to answer — %(initials)s"),
    text=lambda context, initials: (
        _("The specialist opinion asked of you about patient %(initials)s is expected by %(due)s.")
        % {"initials": initials, "due": _due(context)}
    ),
)


# --- The deadline passed: to the coordinator ------------------------------------------------

OPINION_OVERDUE = Kind(
    key="opinion_overdue",
    label=gettext_lazy("A specialist opinion past its deadline"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Specialist opinion without an answer — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The specialist opinion asked about patient %(initials)s was expected by %(due)s "
            "and has no answer yet."
        )
        % {"initials": initials, "due": _due(context)}
    ),
)


def opinion_deadlines(now: datetime.datetime) -> list[Candidate]:
    """The open requests whose deadline is less than N hours (24) away → the asked
    specialist; past it → the patient's coordinator; each once, only to an active account.
    One query for both: the sweep reads as much whatever the number of requests."""
    before = datetime.timedelta(hours=settings.LABPARCOURS_REMINDER_OPINION_HOURS_BEFORE)
    rows = OpinionRequest.objects.filter(
        status=OpinionStatus.OPEN,
        patient__status=PatientStatus.INCLUDED,
        due_at__lte=now + before,
    ).values_list(
        "pk",
        "patient_id",
        "due_at",
        "specialist__user_id",
        "specialist__user__is_active",
        "patient__coordinator_id",
        "patient__coordinator__is_active",
    )
    candidates = []
    for pk, patient_id, due_at, specialist, reachable, coordinator, active in rows:
        if due_at > now and reachable:
            kind, recipient, cycle = OPINION_DUE_SOON, specialist, "due_soon"
        elif due_at <= now and active:
            kind, recipient, cycle = OPINION_OVERDUE, coordinator, "overdue"
        else:
            continue
        candidates.append(
            Candidate(
                kind.key,
                recipient,
                patient_id,
                opinion_target(pk),
                cycle,
                _request_page(pk),
                due_context(due_at),
            )
        )
    return candidates


register(OPINION_DUE_SOON, OPINION_OVERDUE, find=opinion_deadlines)


# --- Answered: to the asker and the team ------------------------------------------------------

OPINION_ANSWERED = Kind(
    key="opinion_answered",
    label=gettext_lazy("A specialist opinion answered"),
    roles=CARE_WORKERS,
    title=gettext_lazy("Specialist opinion answered — %(initials)s"),
    text=lambda context, initials: (
        _("The specialist opinion asked about patient %(initials)s has been answered.")
        % {"initials": initials}
    ),
    by_hand=True,
)
register(OPINION_ASKED, OPINION_ANSWERED)


def opinion_asked(request: OpinionRequest, *, by: User) -> None:
    """Tell the specialist at once (unless they asked themselves, which the form prevents)."""
    user_id = request.specialist.user_id
    if user_id is None or user_id == by.pk:
        return
    reminders_notify(
        kind=OPINION_ASKED,
        patient_id=request.patient_id,
        target_key=opinion_target(request),
        to={user_id: _request_page(request.pk)},
        context=due_context(request.due_at),
        cycle="asked",
        by=by,
    )


WAITING_FOR_ANSWER = (OPINION_ASKED, OPINION_DUE_SOON, OPINION_OVERDUE)


def opinion_answered(request: OpinionRequest, *, by: User) -> None:
    """The reminders to answer are done; the asker and the team are told (not the one who
    answered)."""
    reminders_resolve(targets=[opinion_target(request)], kinds=WAITING_FOR_ANSWER)
    told: set[int] = {request.asked_by_id}
    team = member_users(Patient.objects.filter(pk=request.patient_id)).get(request.patient_id, [])
    told |= {user_id for _role, user_id in team}
    told.discard(by.pk)
    reminders_notify(
        kind=OPINION_ANSWERED,
        patient_id=request.patient_id,
        target_key=opinion_target(request),
        to=dict.fromkeys(sorted(told), _request_page(request.pk)),
        cycle="answered",
        by=by,
    )


def opinion_closed(request: OpinionRequest) -> None:
    """Closed (or withdrawn): nobody is asked to answer it any more; the news of its answer
    stays under the bell of those who have not read it."""
    reminders_resolve(targets=[opinion_target(request)], kinds=WAITING_FOR_ANSWER)
