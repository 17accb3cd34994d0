"""What the SICs remind people of: a SIC to schedule (due soon, then overdue), a SIC to
record, the contributions and the experience form to submit, the SIC of tomorrow.

Each kind is registered with its rule (see `reminders.registry`); the rules read the SICs
through their own querysets, so "overdue" here is `Sic.objects.overdue()`, as everywhere.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labparcours.models import Role
from labparcours.roles import CARE_WORKERS, PATIENT_SIDE
from patients.models import PatientStatus
from patients.recipients import member_users, patient_side
from patients.selectors import patient_audience
from reminders.registry import Candidate, Kind, day, every_period, page, register, start_of
from sic.models import (
    KIND_OF_TEAM_ROLE,
    Attendance,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Sic,
    SicQuerySet,
    SicStatus,
)
from teams.models import TeamRole


def _of_included(sics: SicQuerySet) -> SicQuerySet:
    return sics.filter(patient__status=PatientStatus.INCLUDED)


def _to_coordinator_and_gp(
    sics: SicQuerySet, kind: Kind, link: str, cycle_of: Any, context_of: Any, when: str
) -> list[Candidate]:
    """One candidate for the patient's coordinator (when active) and each GP of the team."""
    gps = member_users(sics.values("patient_id"), roles=[TeamRole.GP])
    candidates = []
    for sic_id, patient_id, at, coordinator_id, coordinator_active in sics.values_list(
        "pk", "patient_id", when, "patient__coordinator_id", "patient__coordinator__is_active"
    ):
        recipients = [coordinator_id] if coordinator_active else []
        recipients += [user_id for _role, user_id in gps.get(patient_id, [])]
        candidates += [
            Candidate(
                kind.key,
                user_id,
                patient_id,
                f"sic:{sic_id}",
                cycle_of(at),
                page(link, sic_id),
                context_of(at),
            )
            for user_id in recipients
        ]
    return candidates


# --- A SIC due soon and not scheduled -------------------------------------------------------

SIC_DUE = Kind(
    key="sic_due",
    label=gettext_lazy("SIC due soon and not scheduled"),
    roles=CARE_WORKERS,
    title=gettext_lazy("SIC to schedule — %(initials)s"),
    text=lambda context, initials: (
        _("The SIC of patient %(initials)s is due on %(date)s and is not scheduled yet.")
        % {"initials": initials, "date": day(context["date"])}
    ),
)


def sics_due(now: datetime.datetime) -> list[Candidate]:
    """A SIC due within N days and not scheduled → the coordinator and the GP, once per due
    date."""
    today = timezone.localdate(now)
    days = settings.LABPARCOURS_REMINDER_SIC_DUE_DAYS
    sics = _of_included(Sic.objects.due_within(days, today).not_scheduled())
    return _to_coordinator_and_gp(
        sics,
        SIC_DUE,
        "sic:detail",
        cycle_of=lambda due: due.isoformat(),
        context_of=lambda due: {"date": due.isoformat()},
        when="due_date",
    )


register(SIC_DUE, find=sics_due)


# --- A SIC overdue and still not scheduled --------------------------------------------------

SIC_OVERDUE = Kind(
    key="sic_overdue",
    label=gettext_lazy("SIC overdue"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("SIC overdue — %(initials)s"),
    text=lambda context, initials: (
        _("The SIC of patient %(initials)s was due on %(date)s and is still not scheduled.")
        % {"initials": initials, "date": day(context["date"])}
    ),
)


def sics_overdue(now: datetime.datetime) -> list[Candidate]:
    """An overdue SIC that is not scheduled yet → the coordinator, every N days from the first
    day late until it is scheduled (the cycle counts the periods)."""
    today = timezone.localdate(now)
    every = settings.LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS
    sics = _of_included(
        Sic.objects.overdue(today).not_scheduled().filter(patient__coordinator__is_active=True)
    )
    candidates = []
    for sic_id, patient_id, due, coordinator_id in sics.values_list(
        "pk", "patient_id", "due_date", "patient__coordinator_id"
    ):
        candidates.append(
            Candidate(
                SIC_OVERDUE.key,
                coordinator_id,
                patient_id,
                f"sic:{sic_id}",
                f"{due.isoformat()}/{every_period(due, today, every)}",
                page("sic:detail", sic_id),
                {"date": due.isoformat(), "days": (today - due).days},
            )
        )
    return candidates


register(SIC_OVERDUE, find=sics_overdue)


# --- A SIC past but not recorded ------------------------------------------------------------

SIC_TO_RECORD = Kind(
    key="sic_to_record",
    label=gettext_lazy("SIC past but not recorded"),
    roles=CARE_WORKERS,
    title=gettext_lazy("SIC to record — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The SIC of patient %(initials)s took place on %(date)s: please record the "
            "attendance, the minutes and the decisions."
        )
        % {"initials": initials, "date": day(context["date"])}
    ),
)


def sics_to_record(now: datetime.datetime) -> list[Candidate]:
    """A SIC whose date is over by a day and still not recorded as held → the coordinator and
    the GP, every N days until it is recorded (or cancelled): until then, the next SIC cannot
    become due."""
    today = timezone.localdate(now)
    every = settings.LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS
    sics = _of_included(Sic.objects.to_record(now - datetime.timedelta(days=1)))

    def cycle(at: datetime.datetime) -> str:
        held_on = timezone.localdate(at)
        return f"{held_on.isoformat()}/{every_period(held_on, today, every)}"

    return _to_coordinator_and_gp(
        sics,
        SIC_TO_RECORD,
        "sic:hold",
        cycle_of=cycle,
        context_of=lambda at: {"date": timezone.localdate(at).isoformat()},
        when="scheduled_at",
    )


register(SIC_TO_RECORD, find=sics_to_record)


# --- Contributions and the experience form before a SIC -------------------------------------


def _contribution_text(context: Mapping[str, Any], initials: str) -> str:
    return _(
        "Your contribution (%(contribution)s) to the SIC of patient %(initials)s on "
        "%(date)s has not been submitted yet."
    ) % {
        "contribution": ContributionKind(context["contribution"]).label,
        "initials": initials,
        "date": day(context["date"]),
    }


CONTRIBUTION = Kind(
    key="contribution",
    label=gettext_lazy("Contribution to submit before a SIC"),
    roles=(Role.CLINICIAN,),
    title=gettext_lazy("Contribution to submit — %(initials)s"),
    text=_contribution_text,
)
PATIENT_FORM = Kind(
    key="patient_form",
    label=gettext_lazy("Patient experience form to fill in"),
    roles=PATIENT_SIDE,
    title=gettext_lazy("Experience form to fill in — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The patient experience form for the SIC of %(date)s (patient %(initials)s) has not "
            "been filled in yet. It helps the team prepare the meeting with you."
        )
        % {"initials": initials, "date": day(context["date"])}
    ),
)


def _threshold_passed(days_left: int) -> int | None:
    """The tightest "N days before" threshold reached: with 7 and 2, J-7 from 7 days before,
    J-2 from 2 days before (a late sweep sends the latest one only)."""
    passed = [n for n in settings.LABPARCOURS_REMINDER_CONTRIBUTION_DAYS_BEFORE if days_left <= n]
    return min(passed) if passed else None


def contributions_missing(now: datetime.datetime) -> list[Candidate]:
    """A contribution not submitted N days before its scheduled SIC → its author; the patient
    experience form → the patient and their caregivers. One cycle per threshold."""
    today = timezone.localdate(now)
    horizon = max(settings.LABPARCOURS_REMINDER_CONTRIBUTION_DAYS_BEFORE, default=0)
    sics = _of_included(
        Sic.objects.filter(
            status=SicStatus.SCHEDULED,
            scheduled_at__gt=now,
            scheduled_at__lt=start_of(today + datetime.timedelta(days=horizon + 1)),
        )
    )
    authors = member_users(sics.values("patient_id"), roles=KIND_OF_TEAM_ROLE)
    side = patient_side(sics.values("patient_id"))
    submitted = set(
        Contribution.objects.filter(sic__in=sics, status=ContributionStatus.SUBMITTED).values_list(
            "sic_id", "kind", "author_id"
        )
    )
    form_done = {
        sic_id for sic_id, kind, _ in submitted if kind == ContributionKind.PATIENT_EXPERIENCE
    }
    candidates = []
    for sic_id, patient_id, at in sics.values_list("pk", "patient_id", "scheduled_at"):
        held_on = timezone.localdate(at)
        threshold = _threshold_passed((held_on - today).days)
        if threshold is None:
            continue
        cycle = f"{held_on.isoformat()}/J-{threshold}"
        for role, user_id in authors.get(patient_id, []):
            kind = KIND_OF_TEAM_ROLE[role]
            if (sic_id, kind, user_id) in submitted:
                continue
            candidates.append(
                Candidate(
                    CONTRIBUTION.key,
                    user_id,
                    patient_id,
                    f"sic:{sic_id}:{kind}",
                    cycle,
                    page("sic:contribute", sic_id, kind),
                    {"date": held_on.isoformat(), "contribution": kind},
                )
            )
        if sic_id in form_done:
            continue
        link = page("sic:contribute", sic_id, ContributionKind.PATIENT_EXPERIENCE)
        candidates += [
            Candidate(
                PATIENT_FORM.key,
                user_id,
                patient_id,
                f"sic:{sic_id}",
                cycle,
                link,
                {"date": held_on.isoformat()},
            )
            for user_id in side.users(patient_id)
        ]
    return candidates


register(CONTRIBUTION, PATIENT_FORM, find=contributions_missing)


# --- The SIC of tomorrow --------------------------------------------------------------------

SIC_TOMORROW = Kind(
    key="sic_tomorrow",
    label=gettext_lazy("SIC tomorrow"),
    roles=(Role.CLINICIAN, *PATIENT_SIDE),
    title=gettext_lazy("SIC tomorrow — %(initials)s"),
    text=lambda context, initials: (
        _("The SIC of patient %(initials)s takes place tomorrow, %(date)s at %(time)s, by video.")
        % {"initials": initials, "date": day(context["date"]), "time": context["time"]}
    ),
)


def sics_tomorrow(now: datetime.datetime) -> list[Candidate]:
    """A SIC tomorrow → every invited member still in the team, and the patient (and their
    caregivers) when they agreed to attend, with the video link."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    sics = _of_included(
        Sic.objects.filter(
            status=SicStatus.SCHEDULED,
            scheduled_at__gte=start_of(tomorrow),
            scheduled_at__lt=start_of(tomorrow + datetime.timedelta(days=1)),
        )
    )
    invited: dict[int, list[int]] = defaultdict(list)
    audience = patient_audience(sics.values("patient_id"))
    attendances = Attendance.objects.filter(
        sic__in=sics,
        membership__in=audience.members,
        membership__professional__user__isnull=False,
    ).order_by("pk")
    for sic_id, user_id in attendances.values_list("sic_id", "membership__professional__user_id"):
        invited[sic_id].append(user_id)
    side = patient_side(sics.values("patient_id"), attending=True)
    candidates = []
    for sic_id, patient_id, at, video_url in sics.values_list(
        "pk", "patient_id", "scheduled_at", "video_url"
    ):
        local = timezone.localtime(at)
        cycle = local.isoformat(timespec="minutes")
        context = {
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "video_url": video_url,
        }
        recipients = [(user_id, page("sic:detail", sic_id)) for user_id in invited[sic_id]]
        recipients += [(user_id, page("patients:my_record")) for user_id in side.users(patient_id)]
        candidates += [
            Candidate(SIC_TOMORROW.key, user_id, patient_id, f"sic:{sic_id}", cycle, link, context)
            for user_id, link in recipients
        ]
    return candidates


register(SIC_TOMORROW, find=sics_tomorrow)
