"""Reads of patients, always through the access scope."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils.translation import gettext as _

from labparcours.access import log_access
from labparcours.access_labels import read_label
from labparcours.http import AuthenticatedHttpRequest
from labparcours.models import AccessLogEntry, User
from labparcours.paging import UncountedPage, uncounted_page
from labparcours.permissions import acts_for_patient
from patients.models import (
    Caregiver,
    Consent,
    ConsentKind,
    Patient,
    PatientQuerySet,
    PatientStatus,
)
from teams.models import Membership, MembershipQuerySet, role_counts


def visible_patients(user: User) -> PatientQuerySet:
    return Patient.objects.visible_to(user)


def access_patient(
    request: AuthenticatedHttpRequest,
    pk: uuid.UUID | str,
    *,
    what: str,
    related: Sequence[str] = (),
) -> Patient:
    """The patient if `request.user` may see them (and the read is logged), else 404; with
    the `related` rows the page shows (`select_related`)."""
    patients = visible_patients(request.user)
    if related:  # select_related() without a name would follow every foreign key
        patients = patients.select_related(*related)
    try:
        patient = patients.get(pk=pk)
    except (Patient.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, patient, what)
    return patient


def own_patient(request: AuthenticatedHttpRequest, *, what: str) -> Patient:
    """The record of a patient user, or of the patient who delegated to a caregiver."""
    patient = visible_patients(request.user).order_by("pk").first()
    if patient is None:
        raise Http404
    log_access(request, patient, what)
    return patient


@dataclass(frozen=True)
class Audience:
    """Who may be told about some patients: reminders and SIC invitations go to them only."""

    members: MembershipQuerySet
    patients: PatientQuerySet
    caregivers: QuerySet[Caregiver]

    def users(self) -> QuerySet[User]:
        """The accounts among them (a member or a caregiver without a login is told by e-mail
        only): the side of the mirror that `Patient.objects.visible_to` reflects."""
        return User.objects.filter(
            Q(pk__in=self.members.values("professional__user"))
            | Q(pk__in=self.patients.values("user"))
            | Q(pk__in=self.caregivers.values("user"))
        )


def _active_consent(kind: str, patient_path: str) -> Exists:
    return Exists(
        Consent.objects.filter(
            patient=OuterRef(patient_path), kind=kind, withdrawn_at__isnull=True, caregiver=None
        )
    )


def _reachable(user_path: str) -> Q:
    """No account (an e-mail address only), or an account still active."""
    return Q(**{f"{user_path}__isnull": True}) | Q(**{f"{user_path}__is_active": True})


def audience_membership(path: str = "") -> Q:
    """On a membership (or on rows that lead to one by `path`): a member `patient_audience`
    tells, whatever the patient's status (the caller keeps the patients in the programme):
    still in the team, the patient sharing their data with it, no account or an active one.
    For a rule that reaches the membership by its own join: the same condition as a filter
    of its rows, not a set of every member to look each row up in."""
    prefix = f"{path}__" if path else ""
    return (
        Q(**{f"{prefix}left_at__isnull": True})
        & Q(_active_consent(ConsentKind.TEAM_SHARING, f"{prefix}team__patient"))
        & _reachable(f"{prefix}professional__user")
    )


def patient_audience(
    patients: QuerySet, *, attending: bool = False, exited_too: bool = False
) -> Audience:
    """The people who may be told about `patients` (a queryset of patients or of their ids),
    the same rule for every reminder and every SIC invitation:

    - the active team members, when the patient shares their data with the team;
    - the patient, and the caregivers they delegated to (with `attending`: only when the
      patient agreed to attend their SICs);
    - never a deactivated account; only patients still in the programme (`exited_too` for
      the cancellation of what they were already told).

    It is the mirror of `Patient.objects.visible_to`: for a clinician, a patient or a
    caregiver account u and a patient p, p ∈ visible_to(u) ⇔ u ∈ patient_audience(p).users()
    (tests/patients/test_audience_mirror.py). The stated differences, on purpose:

    - admins and coordinators see every patient but are never in an audience: they are
      told through their own rules (the coordinator's reminders, the programme's pages);
    - an exited patient stays visible (the team keeps the history) but is told nothing
      more: the mirror holds for them only with `exited_too`;
    - `attending` narrows the audience to the patient's side who agreed to attend SICs.
    """
    in_programme = Patient.objects.filter(pk__in=patients)
    if not exited_too:
        in_programme = in_programme.included()
    members = Membership.objects.filter(team__patient__in=in_programme).filter(
        audience_membership()
    )
    own = in_programme.filter(_reachable("user"))
    delegated = Consent.objects.filter(
        patient=OuterRef("patient_id"),
        caregiver=OuterRef("pk"),
        kind=ConsentKind.CAREGIVER_DELEGATION,
        withdrawn_at__isnull=True,
    )
    caregivers = Caregiver.objects.filter(patient__in=in_programme).filter(
        Exists(delegated), _reachable("user")
    )
    if attending:
        own = own.filter(_active_consent(ConsentKind.SIC_ATTENDANCE, "pk"))
        caregivers = caregivers.filter(_active_consent(ConsentKind.SIC_ATTENDANCE, "patient_id"))
    return Audience(members=members, patients=own, caregivers=caregivers)


def with_team_counts(qs: PatientQuerySet) -> PatientQuerySet:
    """Annotate the active members per required role (n_gp, n_nurse…), a subquery per row."""
    return qs.annotate(**role_counts("team__patient"))


def programme_overview() -> dict[str, Any]:
    counts = dict(
        Patient.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "n_included": counts.get(PatientStatus.INCLUDED, 0),
        "n_candidates": counts.get(PatientStatus.CANDIDATE, 0),
        "n_exited": counts.get(PatientStatus.EXITED, 0),
        "n_access_entries": AccessLogEntry.objects.count(),
    }


ACCESS_LOG_PAGE_SIZE = 30


@dataclass(frozen=True)
class AccessLine:
    """One line of « Qui a consulté mon dossier »: one reader, one kind of read, one day, however
    many times it happened (a coordinator's dashboard lists the patient at every page view).
    The audit table keeps every read; the patient reads them grouped."""

    who: str
    role: str
    what: str
    listed: bool
    first: datetime.datetime
    last: datetime.datetime
    times: int


def _reader(reader: User, viewer: User) -> tuple[str, str]:
    """Who read, as the patient's side is told: « Vous » for the viewer's own reads (« Vous
    (aidant·e) » for a caregiver's), else the reader's name and profession or role."""
    if reader.pk == viewer.pk:
        return (_("You (caregiver)") if acts_for_patient(viewer) else _("You")), ""
    return reader.get_full_name() or reader.email, reader.profession_or_role()


def access_log_lines(patient: Patient, *, viewer: User, page: object) -> UncountedPage:
    """A page of the patient's access log grouped by reader, read and day, latest first: two
    queries, whatever the page holds (the groups, then their readers)."""
    groups = (
        AccessLogEntry.objects.filter(patient=patient)
        .annotate(day=TruncDate("at"))
        .values("user", "what", "listed", "day")
        .annotate(first=Min("at"), last=Max("at"), times=Count("pk"))
        .order_by("-last", "user", "what", "listed")
    )
    shown = uncounted_page(groups, page, ACCESS_LOG_PAGE_SIZE)
    readers = User.objects.select_related("professional").in_bulk({row["user"] for row in shown})
    lines = []
    for row in shown:
        who, role = _reader(readers[row["user"]], viewer)
        lines.append(
            AccessLine(
                who=who,
                role=role,
                what=read_label(row["what"]),
                listed=row["listed"],
                first=row["first"],
                last=row["last"],
                times=row["times"],
            )
        )
    return replace(shown, object_list=lines)
