"""The accounts to remind about a set of patients: the members of their audience who have a
login, and the patient's side (the patient, their delegated caregivers). Set-based: one or two
queries whatever the number of patients; the reminder rules of every app read them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from patients.models import Patient
from patients.selectors import patient_audience


def member_users(
    patients: QuerySet, roles: Iterable[str] | None = None, users: QuerySet | None = None
) -> dict[uuid.UUID, list[tuple[str, int]]]:
    """Patient id → [(team role, user id)] of the members of the patients' audience who have
    an account, in one query; only those of `roles`, only the `users` asked about (a
    queryset of user ids) when given."""
    members = patient_audience(patients).members.filter(professional__user__isnull=False)
    if roles is not None:
        members = members.filter(role__in=list(roles))
    if users is not None:
        members = members.filter(professional__user__in=users)
    result: dict[uuid.UUID, list[tuple[str, int]]] = defaultdict(list)
    for patient_id, role, user_id in members.values_list(
        "team__patient_id", "role", "professional__user_id"
    ).order_by("team__patient_id", "role", "pk"):
        result[patient_id].append((role, user_id))
    return result


@dataclass
class PatientSide:
    """The accounts on the patient's side: the patient's and their delegated caregivers'."""

    patient: dict[uuid.UUID, int]
    caregivers: dict[uuid.UUID, list[int]]

    def users(self, patient_id: uuid.UUID) -> list[int]:
        own = [self.patient[patient_id]] if patient_id in self.patient else []
        return own + self.caregivers.get(patient_id, [])


def patient_side(patients: QuerySet, *, attending: bool = False) -> PatientSide:
    """The patient's side of the audience, with an account, in two queries. `attending`:
    only patients who agreed to attend their SICs."""
    audience = patient_audience(patients, attending=attending)
    own = audience.patients.filter(user__isnull=False)
    caregivers = audience.caregivers.filter(user__isnull=False)
    by_patient: dict[uuid.UUID, list[int]] = defaultdict(list)
    for patient_id, user_id in caregivers.values_list("patient_id", "user_id").order_by("pk"):
        by_patient[patient_id].append(user_id)
    return PatientSide(patient=dict(own.values_list("pk", "user_id")), caregivers=by_patient)


def coordinator_of(patient_id: uuid.UUID) -> list[int]:
    """The account of the patient's coordinator, while it is active (none otherwise), in one
    query: what a patient's side or team asks of the coordination goes to them."""
    return list(
        Patient.objects.filter(pk=patient_id, coordinator__is_active=True).values_list(
            "coordinator_id", flat=True
        )
    )
