"""Reads of specialist opinions, each starting from their scope
(`OpinionRequest.objects.visible_to`), each read written to the patient's access log.

A specialist outside the team reads through the grant: their reads are logged as such
(« Avis spécialisé (accès temporaire) »), whatever page or endpoint they came through.
`sic` reads the pinned answers here (`pinned_for_sic`); this app never imports `sic`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest
from labparcours.models import Role, User
from labparcours.permissions import require
from opinions import rules
from opinions.models import (
    OpinionAttachment,
    OpinionRequest,
    OpinionRequestQuerySet,
    OpinionStatus,
)
from patients.models import Patient, PatientStatus
from teams.models import SPECIALIST_PROFESSIONS, Membership, Professional, TeamRole

# What a read through the grant is logged as, whatever it read.
GRANTED_READ = "specialist opinion (temporary access)"


def visible_requests(user: User) -> OpinionRequestQuerySet:
    return OpinionRequest.objects.visible_to(user).select_related(
        "patient", "specialist", "asked_by", "answered_by"
    )


def read_as(row: OpinionRequest, what: str) -> str:
    """The label of a read: the grant's own when the reader is outside the team."""
    return GRANTED_READ if getattr(row, "via_grant", False) else what


def log_reads(request: AuthenticatedHttpRequest, rows: Iterable[OpinionRequest], what: str) -> None:
    """A list of requests read: each patient once, through the grant or not."""
    by_label: dict[str, dict[object, Patient]] = {}
    for row in rows:
        by_label.setdefault(read_as(row, what), {})[row.patient_id] = row.patient
    for label, patients in by_label.items():
        log_access(request, patients.values(), label, listed=True)


def access_request(
    request: AuthenticatedHttpRequest, pk: int | str, *, what: str
) -> OpinionRequest:
    """A request `request.user` may see (404 otherwise) and may read (403: the patient's
    side); the read is logged, as a grant's read for an outside specialist."""
    try:
        row = visible_requests(request.user).get(pk=pk)
    except (OpinionRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    require(rules.can_read_opinions(request.user))
    log_access(request, row.patient, read_as(row, what))
    return row


def access_attachment(request: AuthenticatedHttpRequest, pk: int | str) -> OpinionAttachment:
    """An attachment of a request `request.user` may read, else 404 (403 for the patient's
    side), the read logged."""
    try:
        attachment = OpinionAttachment.objects.get(pk=pk)
    except (OpinionAttachment.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    # The request's scope answers for its attachment: 404 outside it, as for a missing file.
    attachment.request = access_request(
        request, attachment.request_id, what="specialist opinion (attachment)"
    )
    return attachment


# --- Lists -------------------------------------------------------------------------------------


def open_requests(user: User) -> OpinionRequestQuerySet:
    """The open requests of the patients `user` sees who are still in the programme, oldest
    first: what the coordinator follows up."""
    return (
        visible_requests(user)
        .open()
        .filter(patient__status=PatientStatus.INCLUDED)
        .order_by("asked_at", "pk")
    )


def addressed_to(user: User) -> OpinionRequestQuerySet:
    """The requests asked of `user` that they still see (team or grant): open first, by
    deadline, then the others, latest first."""
    return (
        visible_requests(user)
        .filter(specialist__user=user)
        .annotate(
            rank=Case(
                When(status=OpinionStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", Case(When(status=OpinionStatus.OPEN, then="due_at")), "-asked_at", "-pk")
    )


def asked_by(user: User) -> OpinionRequestQuerySet:
    """The requests `user` asked and still sees, not closed, latest first."""
    return (
        visible_requests(user)
        .filter(asked_by=user)
        .exclude(status=OpinionStatus.CLOSED)
        .order_by("-asked_at", "-pk")
    )


def patient_requests(patient: Patient) -> QuerySet[OpinionRequest]:
    """The patient's requests, for the card of the patient page (the caller fetched the
    patient through the scope): not closed first, then the latest."""
    return (
        OpinionRequest.objects.filter(patient=patient)
        .select_related("specialist", "asked_by")
        .annotate(
            rank=Case(
                When(status=OpinionStatus.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-asked_at", "-pk")
    )


def pinned_for_sic(
    patient: Patient, *, after: datetime.datetime | None, until: datetime.datetime | None
) -> list[OpinionRequest]:
    """The patient's answers pinned « À discuter en SIC » after the previous held SIC
    (`after`) and, for a held SIC, up to its holding (`until`), oldest pin first."""
    return list(
        OpinionRequest.objects.filter(patient=patient)
        .pinned_between(after, until)
        .select_related("specialist")
        .order_by("answer_pinned_at", "pk")
    )


# --- Who may be asked ---------------------------------------------------------------------------


def askable_specialists(patient: Patient, *, exclude: User | None = None) -> QuerySet[Professional]:
    """The specialists who may be asked about the patient: the specialists of the team, and
    every specialist of the directory; only those with an active account (they answer in the
    application). The team's first, each marked `in_team`."""
    team_specialist = Membership.objects.active().filter(
        team__patient=patient, role=TeamRole.SPECIALIST
    )
    rows = (
        Professional.objects.filter(
            Q(profession__in=SPECIALIST_PROFESSIONS)
            | Q(pk__in=team_specialist.values("professional"))
        )
        .filter(user__is_active=True, user__role=Role.CLINICIAN)
        .annotate(
            in_team=Case(
                When(pk__in=team_specialist.values("professional"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-in_team", "last_name", "first_name", "pk")
    )
    if exclude is not None:
        rows = rows.exclude(user=exclude)
    return rows
