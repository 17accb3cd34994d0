"""Reads of SICs, always through the access scope (the patient's), and what a SIC expects."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from labparcours.access import log_access
from labparcours.cache import programme_figures
from labparcours.errors import NotAllowed
from labparcours.http import AuthenticatedHttpRequest
from labparcours.models import User
from labparcours.permissions import require
from sic.models import (
    KIND_OF_TEAM_ROLE,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Sic,
    SicQuerySet,
    SicStatus,
)
from sic.rules import can_write_patient_form
from teams.models import Membership
from threads.models import Message
from threads.selectors import pinned_for_sic

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def visible_sics(user: User) -> SicQuerySet:
    return Sic.objects.visible_to(user)


# The calendar's figures are the whole scope's: counted at most once per this many seconds (as
# the dashboard's), not on every page of 25 SICs: each grows with the programme; and again
# after a write to the programme (`labparcours.cache.generation`).
FIGURES_TTL = 120


def calendar_figures(user: User, today: datetime.date) -> dict[str, int]:
    """The SICs overdue, due within 30 days and past but not recorded, in `user`'s scope."""

    def count() -> dict[str, int]:
        sics = visible_sics(user)
        return {
            "overdue": sics.overdue(today).count(),
            "due": sics.due_within(30, today).count(),
            "to_record": sics.to_record().count(),
        }

    key = f"sic-calendar-figures:{user.pk}:{today.isoformat()}"
    return dict(programme_figures(key, count, FIGURES_TTL))


def access_sic(request: AuthenticatedHttpRequest, pk: int | str, *, what: str) -> Sic:
    """The SIC if its patient is in `request.user`'s scope (the read is logged), else 404."""
    try:
        sic = visible_sics(request.user).select_related("patient__user").get(pk=pk)
    except (Sic.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, sic.patient, what)
    return sic


def with_contribution_counts(qs: SicQuerySet) -> SicQuerySet:
    """Annotate n_submitted: a subquery of each row, so that a page counts only the SICs it
    shows (a join grouped over every SIC of the programme grows with the cohort)."""
    submitted = (
        Contribution.objects.filter(sic=OuterRef("pk"), status=ContributionStatus.SUBMITTED)
        .order_by()
        .values("sic")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(n_submitted=Coalesce(Subquery(submitted), 0))


# What a row of a list shows of a SIC: its state and its date (`Sic.when`, its badge).
ROW_FIELDS = ("pk", "patient_id", "status", "due_date", "scheduled_at", "held_at")


def open_sic_by_patient(
    patient_ids: list[uuid.UUID], *, fields: Sequence[str] = ()
) -> dict[uuid.UUID, Sic]:
    """The open (planned or scheduled) SIC of each patient, in one query; only `fields`
    when given (a list's rows: `ROW_FIELDS`)."""
    sics = Sic.objects.open().filter(patient_id__in=patient_ids)
    if fields:
        sics = sics.only(*fields)
    return {sic.patient_id: sic for sic in sics}


def my_contribution_states(user: User, sics: list[Sic]) -> dict[int, str]:
    """For each SIC, the state of `user`'s own contribution (draft/submitted), in one query."""
    rows = Contribution.objects.filter(sic__in=sics, author=user).values_list("sic_id", "status")
    return dict(rows)


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


def starting_content(contribution: Contribution, *, user: User) -> tuple[dict, Sic | None]:
    """What a contribution's form opens with: its content; for a new medication review, the
    list of the last one submitted for a held SIC of the patient (polymedicated patients
    take a dozen medications or more: the pharmacist amends the list rather than retyping
    it), with that SIC to say where it comes from."""
    if contribution.pk or contribution.kind != ContributionKind.MEDICATION_REVIEW:
        return contribution.content, None
    previous = (
        Contribution.objects.visible_to(user)
        .filter(
            sic__patient_id=contribution.sic.patient_id,
            sic__status=SicStatus.HELD,
            kind=ContributionKind.MEDICATION_REVIEW,
            status=ContributionStatus.SUBMITTED,
        )
        .select_related("sic")
        .order_by("-sic__held_at", "-pk")
        .first()
    )
    if previous is None or not previous.content.get("medications"):
        return contribution.content, None
    # The names and doses carry over; the adherence is assessed anew at each review.
    medications = [
        {"name": m.get("name", ""), "dose": m.get("dose", ""), "adherence": ""}
        for m in previous.content["medications"]
    ]
    return {"medications": medications}, previous.sic


def pinned_for(sic: Sic) -> list[Message]:
    """« À discuter en SIC »: the patient's thread messages pinned since their previous SIC was
    held and, once this one is held, up to its holding. None for a cancelled SIC."""
    if sic.status == SicStatus.CANCELLED:
        return []
    until = sic.held_at if sic.status == SicStatus.HELD else None
    held = Sic.objects.filter(patient_id=sic.patient_id, status=SicStatus.HELD).exclude(pk=sic.pk)
    if until is not None:
        held = held.filter(held_at__lt=until)
    previous = held.order_by("-held_at").values_list("held_at", flat=True).first()
    return pinned_for_sic(sic.patient_id, after=previous, until=until)
