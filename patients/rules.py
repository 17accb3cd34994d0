"""Who may do what with a patient's record, once the scope (visible_to) let them see it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from labparcours.models import Role, User
from labparcours.permissions import is_patient_side, is_programme_management
from labparcours.roles import ACCESS_LOG_READERS, CARE_WORKERS, PROFESSIONALS, PROGRAMME_STAFF

if TYPE_CHECKING:
    from patients.models import Patient


def can_read_access_log(user: User, patient: Patient) -> bool:
    """The patient, their delegated caregiver (both already in scope) and the admins."""
    return user.role in ACCESS_LOG_READERS


def can_audit_access_log(user: User) -> bool:
    """The whole log, every patient's, with the addresses reads came from: the admins."""
    return is_programme_management(user)


def has_own_record(user: User) -> bool:
    """« Mon dossier »: the patient, or the caregiver of the patient who delegated to them."""
    return is_patient_side(user)


def has_own_patients(user: User) -> bool:
    """« Mes patients »: a clinician's patients, through their active memberships."""
    return user.role == Role.CLINICIAN


def can_read_pathway(user: User) -> bool:
    """The pathway's events and follow-up: the professionals (the team, the coordination,
    programme management), for the patients in their scope."""
    return user.role in PROFESSIONALS


def can_record_pathway(user: User) -> bool:
    """Declare an event, correct it, record a follow-up contact: an active member of the team
    (a clinician in scope is one) or the coordinator; programme management reads."""
    return user.role in CARE_WORKERS


def can_see_breaks(user: User) -> bool:
    """« Ruptures », the breaks of the whole programme: the coordination and management."""
    return user.role in PROGRAMME_STAFF
