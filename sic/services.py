"""SIC workflows that span models or send things."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from labparcours.errors import NotAllowed
from labparcours.models import User
from labparcours.permissions import require
from patients.models import Patient, PatientStatus
from sic.models import (
    KIND_OF_TEAM_ROLE,
    Attendance,
    Contribution,
    ContributionKind,
    Decision,
    Sic,
    SicStatus,
    next_due_date,
)
from sic.rules import can_write_patient_form
from sic.validators import validate_hold, validate_schedule
from teams.models import Membership
from teams.rules import can_lead_team

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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
    from sic.tasks import send_sic_invitations

    transaction.on_commit(lambda: send_sic_invitations.delay(sic.pk))


@transaction.atomic
def sic_schedule(
    *, sic: Sic, at: datetime.datetime, duration_minutes: int = 20, video_url: str = ""
) -> Sic:
    """Give the SIC a date (or a new one), invite the active members, send the calendar.

    Raises ValidationError, per field, for what the rules of `validate_schedule` refuse."""
    validate_schedule(at=at, duration_minutes=duration_minutes, video_url=video_url)
    sic = Sic.objects.select_for_update().get(pk=sic.pk)
    sic.schedule(at=at, duration_minutes=duration_minutes, video_url=video_url)
    members = Membership.objects.active().filter(team__patient=sic.patient)
    Attendance.objects.bulk_create(
        [Attendance(sic=sic, membership=m) for m in members], ignore_conflicts=True
    )
    _notify(sic)
    return sic


@transaction.atomic
def sic_cancel(*, sic: Sic, reason: str) -> Sic:
    """Cancel; the calendar event is withdrawn and the next SIC stays due."""
    sic = Sic.objects.select_for_update().get(pk=sic.pk)
    was_scheduled = sic.status == SicStatus.SCHEDULED
    sic.cancel(reason=reason)
    if was_scheduled:
        _notify(sic)
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
) -> Sic:
    """Record the SIC as held: attendance, minutes, decisions; the next one becomes due.

    The one write of a held SIC and its attendance: the page and the API both call it, so
    its rules (who leads the team, only invited members attend) hold the same on both, and
    what follows a SIC held (issue 12: attendance indemnities) has exactly one place to go.
    Raises `NotAllowed` when `by` does not lead the team (403), ValidationError, per field,
    for members who were not invited to it (400), `InvalidTransition` when the SIC is not
    scheduled (409)."""
    require(can_lead_team(by, sic.patient))
    sic = Sic.objects.select_for_update().get(pk=sic.pk)
    present = set(present_memberships)
    decisions = list(decisions)
    validate_hold(
        invited=set(sic.attendances.values_list("membership_id", flat=True)),
        present=present,
        decisions=decisions,
    )
    sic.hold(minutes=minutes, patient_present=patient_present, caregiver_present=caregiver_present)
    for attendance in sic.attendances.all():
        attendance.present = attendance.membership_id in present
        attendance.save(update_fields=["present"])
    Decision.objects.bulk_create(
        Decision(sic=sic, text=text.strip(), position=i)
        for i, text in enumerate(decisions)
        if text.strip()
    )
    sic_ensure_planned(patient=sic.patient)
    return sic


@dataclass(frozen=True)
class Expected:
    """A contribution the SIC expects: its kind, who writes it, and what is in so far."""

    kind: str
    label: StrOrPromise
    author: User | None
    author_name: str
    contribution: Contribution | None

    @property
    def state(self) -> str:
        if self.contribution is None:
            return "missing"
        return self.contribution.status


def expected_contributions(sic: Sic) -> list[Expected]:
    """What the team and the patient are expected to bring, matched with what is in."""
    contributions = list(sic.contributions.select_related("author"))
    by_author = {(c.kind, c.author_id): c for c in contributions}
    rows = []
    members = (
        Membership.objects.active()
        .filter(team__patient_id=sic.patient_id, role__in=KIND_OF_TEAM_ROLE)
        .select_related("professional__user")
        .order_by("role", "pk")
    )
    for member in members:
        kind = KIND_OF_TEAM_ROLE[member.role]
        user = member.professional.user
        rows.append(
            Expected(
                kind=kind,
                label=ContributionKind(kind).label,
                author=user,
                author_name=str(member.professional),
                contribution=by_author.get((kind, user.pk)) if user else None,
            )
        )
    patient_form = next(
        (c for c in contributions if c.kind == ContributionKind.PATIENT_EXPERIENCE), None
    )
    rows.append(
        Expected(
            kind=ContributionKind.PATIENT_EXPERIENCE,
            label=ContributionKind.PATIENT_EXPERIENCE.label,
            author=sic.patient.user,
            author_name=str(sic.patient),
            contribution=patient_form,
        )
    )
    return rows


def contribution_for(*, sic: Sic, kind: str, user: User) -> Contribution:
    """The contribution `user` writes for this SIC (a new draft the first time).

    The patient's experience form has one row per SIC, whoever types it: the patient, their
    caregiver, or the coordinator on their behalf. Raises `NotAllowed` for anyone else.
    """
    if kind == ContributionKind.PATIENT_EXPERIENCE:
        require(can_write_patient_form(user))
        existing = sic.contributions.filter(kind=kind).first()
        if existing:
            return existing
        author = sic.patient.user or user
        return Contribution(sic=sic, kind=kind, author=author, entered_by=user)
    allowed = {
        KIND_OF_TEAM_ROLE[m.role]
        for m in Membership.objects.active().filter(
            team__patient_id=sic.patient_id, professional__user=user, role__in=KIND_OF_TEAM_ROLE
        )
    }
    if kind not in allowed:
        raise NotAllowed(_("This contribution is not yours to write."), code="not_author")
    existing = sic.contributions.filter(kind=kind, author=user).first()
    return existing or Contribution(sic=sic, kind=kind, author=user, entered_by=user)


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
    contribution.save_content(content=content, by=by, submit=submit)
    return contribution
