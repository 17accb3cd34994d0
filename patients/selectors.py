"""Reads of patients, always through the access scope."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest

from labparcours.access import log_access
from labparcours.models import AccessLogEntry, User
from patients.models import Patient, PatientStatus
from teams.models import REQUIRED_ROLES


def visible_patients(user: User) -> QuerySet[Patient]:
    return Patient.objects.visible_to(user)


def access_patient(request: HttpRequest, pk: uuid.UUID | str, *, what: str) -> Patient:
    """The patient if `request.user` may see them (and the read is logged), else 404."""
    try:
        patient = visible_patients(request.user).get(pk=pk)
    except (Patient.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, patient, what)
    return patient


def own_patient(request: HttpRequest, *, what: str) -> Patient:
    """The record of a patient user, or of the patient who delegated to a caregiver."""
    patient = visible_patients(request.user).order_by("pk").first()
    if patient is None:
        raise Http404
    log_access(request, patient, what)
    return patient


def with_team_counts(qs: QuerySet[Patient]) -> QuerySet[Patient]:
    """Annotate the active members per required role (n_gp, n_nurse…), in the same query."""
    active = Q(care_team__memberships__left_at__isnull=True)
    return qs.annotate(
        **{
            f"n_{role}": Count(
                "care_team__memberships",
                filter=active & Q(care_team__memberships__role=role),
            )
            for role in REQUIRED_ROLES
        }
    )


def missing_roles_of(patient: Patient) -> list[str]:
    from teams.models import TeamRole

    return [TeamRole(role) for role in REQUIRED_ROLES if not getattr(patient, f"n_{role}", 0)]


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
