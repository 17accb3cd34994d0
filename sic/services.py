"""SIC workflows that span models or send things (each event told to whom it concerns, and
what it makes done resolved: `sic.reminders`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from labparcours.errors import InvalidTransition
from labparcours.models import User
from labparcours.permissions import require
from patients.models import Patient, PatientStatus
from sic import reminders
from sic.models import (
    Attendance,
    Contribution,
    Decision,
    Sic,
    SicStatus,
    next_due_date,
)
from sic.signals import attendance_recorded, contribution_submitted
from sic.validators import validate_hold, validate_schedule
from teams.models import Membership
from teams.rules import can_lead_team


def sic_ensure_planned(*, patient: Patient) -> Sic | None:
    """The open SIC of an included patient, created (planned, due) when there is none."""
    if patient.status != PatientStatus.INCLUDED:
        return None
    current = Sic.objects.open().filter(patient=patient).first()
    if current is not None:
        return current
    due_date = next_due_date(patient)
    if due_date is None:  # included, so with an inclusion date: cannot happen
        return None
    return Sic.objects.create(patient=patient, due_date=due_date)


def _notify(sic: Sic) -> None:
    from sic.tasks import queue_sic_invitations

    transaction.on_commit(lambda: queue_sic_invitations(sic.pk), robust=True)


@transaction.atomic
def sic_schedule(
    *, sic: Sic, at: datetime.datetime, duration_minutes: int = 20, video_url: str = ""
) -> Sic:
    """Give the SIC a date (or a new one), invite the active members, send the calendar.

    Raises ValidationError, per field, for what the rules of `validate_schedule` refuse."""
    validate_schedule(at=at, duration_minutes=duration_minutes, video_url=video_url)
    sic = Sic.objects.select_for_update().get(pk=sic.pk)
    rescheduled = sic.status == SicStatus.SCHEDULED
    sic.schedule(at=at, duration_minutes=duration_minutes, video_url=video_url)
    members = Membership.objects.active().filter(team__patient=sic.patient)
    Attendance.objects.bulk_create(
        [Attendance(sic=sic, membership=m) for m in members], ignore_conflicts=True
    )
    _notify(sic)
    reminders.sic_scheduled(sic, rescheduled=rescheduled)
    return sic


@transaction.atomic
def sic_cancel(*, sic: Sic, reason: str) -> Sic:
    """Cancel; the calendar event is withdrawn and the next SIC stays due."""
    sic = Sic.objects.select_for_update().get(pk=sic.pk)
    was_scheduled = sic.status == SicStatus.SCHEDULED
    sic.cancel(reason=reason)
    if was_scheduled:
        _notify(sic)
        reminders.sic_cancelled(sic)
    else:
        reminders.sic_closed(sic)
    sic_ensure_planned(patient=sic.patient)
    return sic


@transaction.atomic
def sic_hold(
    *,
    sic: Sic,
    by: User,
    minutes: str,
    patient_present: bool,
    caregiver_present: bool,
    present_memberships: Iterable[int],
    decisions: Iterable[str],
    held_at: datetime.datetime | None = None,
) -> Sic:
    """Record the SIC as held: when, attendance, minutes, decisions; the next one becomes
    due six months after `held_at` (by default the SIC's scheduled time).

    The one write of a held SIC and its attendance: the page and the API both call it, so
    its rules (who leads the team, only invited members attend) hold the same on both, and
    what follows a SIC held (issue 12: attendance indemnities) has exactly one place to go.
    Raises `NotAllowed` when `by` does not lead the team (403), ValidationError, per field,
    for members who were not invited to it or a date held before its scheduled start or in
    the future (400), `InvalidTransition` when the SIC is not scheduled or its time has not
    come yet (409)."""
    require(can_lead_team(by, sic.patient))
    sic = Sic.objects.select_for_update().get(pk=sic.pk)
    sic.ensure_holdable()
    present = set(present_memberships)
    decisions = list(decisions)
    validate_hold(
        invited=set(sic.attendances.values_list("membership_id", flat=True)),
        present=present,
        decisions=decisions,
        held_at=held_at,
        scheduled_at=sic.scheduled_at,
    )
    sic.hold(
        minutes=minutes,
        patient_present=patient_present,
        caregiver_present=caregiver_present,
        held_at=held_at,
    )
    for attendance in sic.attendances.select_related("membership__professional"):
        attendance.present = attendance.membership_id in present
        attendance.save(update_fields=["present"])
        attendance_recorded.send(Attendance, attendance=attendance, by=by)
    Decision.objects.bulk_create(
        Decision(sic=sic, text=text.strip(), position=i)
        for i, text in enumerate(decisions)
        if text.strip()
    )
    reminders.sic_closed(sic)
    sic_ensure_planned(patient=sic.patient)
    return sic


@transaction.atomic
def contribution_save(
    *, contribution: Contribution, by: User, content: dict, submit: bool
) -> Contribution:
    """Save a contribution as a draft, or submit it to the team (`submit`).

    The one write of a contribution: the page and the API (create and update alike) both
    call it with the row `contribution_for` gave them, so its rules (only its writers, only
    while the SIC is open) hold the same on both, and what follows a submission (issue 12:
    contribution indemnities) has exactly one place to go. Raises `NotAllowed` for someone
    who does not write it (403), `InvalidTransition` once the SIC is held or cancelled (409).
    """
    # Read the SIC under lock: a contribution submitted while the SIC is recorded as held
    # waits for it, and then finds it closed.
    contribution.sic = Sic.objects.select_for_update().get(pk=contribution.sic_id)
    was_submitted = contribution.is_submitted
    contribution.save_content(content=content, by=by, submit=submit)
    if contribution.is_submitted and not was_submitted:
        contribution_submitted.send(Contribution, contribution=contribution, by=by)
        reminders.contribution_submitted(contribution, by=by)
    return contribution


@transaction.atomic
def sic_attendance_answer(*, attendance: Attendance, by: User, attending: bool) -> Attendance:
    """A member says whether they will attend the SIC: its invitation is done for them."""
    attendance.answer(attending=attending)
    reminders.attendance_answered(attendance.sic, by_user_id=by.pk)
    return attendance


@transaction.atomic
def sic_attendance_correct(*, sic: Sic, by: User, present_memberships: Iterable[int]) -> Sic:
    """Correct who attended a held SIC (a member recorded present by mistake, or forgotten).

    Only the members whose presence changes are touched, and each change is told to the apps
    above (their indemnity is accrued, or reversed). Raises `NotAllowed` when `by` does not lead
    the team (403), ValidationError for members not invited (400), `InvalidTransition` when the
    SIC was not held (409)."""
    require(can_lead_team(by, sic.patient))
    sic = Sic.objects.select_for_update().get(pk=sic.pk)
    if sic.status != SicStatus.HELD:
        raise InvalidTransition(gettext("Attendance is corrected on a held SIC only."))
    present = set(present_memberships)
    validate_hold(
        invited=set(sic.attendances.values_list("membership_id", flat=True)),
        present=present,
        decisions=[],
    )
    for attendance in sic.attendances.select_related("membership__professional"):
        now_present = attendance.membership_id in present
        if attendance.present == now_present:
            continue
        attendance.present = now_present
        attendance.save(update_fields=["present"])
        attendance_recorded.send(Attendance, attendance=attendance, by=by)
    return sic
