"""Reads of patients, always through the access scope."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest

from labparcours.access import log_access
from labparcours.models import AccessLogEntry, User
from patients.models import Patient, PatientStatus
from teams.models import role_counts


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
    return qs.annotate(**role_counts("care_team__"))


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
