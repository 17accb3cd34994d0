"""Who may do what, beyond what they may see (the scope is Patient.objects.visible_to)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from labparcours.models import Role, User

if TYPE_CHECKING:
    from patients.models import Patient


def can_manage_patients(user: User) -> bool:
    """Include patients, record consents, build teams, invite: the coordinator's job."""
    return user.is_authenticated and user.role == Role.COORDINATOR


def can_see_programme(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.ADMIN, Role.COORDINATOR}


def can_browse_directory(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN}


def can_read_access_log(user: User, patient: Patient) -> bool:
    """The patient, their delegated caregiver (both already in scope) and the admins."""
    return user.role in {Role.ADMIN, Role.PATIENT, Role.CAREGIVER}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def can_lead_team(user: User, patient: Patient) -> bool:
    """Lead the team's work on a patient (schedule and record SICs, write the care plan):
    the coordinator, or the team's GP (médecin traitant)."""
    if user.role == Role.COORDINATOR:
        return True
    if user.role != Role.CLINICIAN:
        return False
    from teams.models import Membership, TeamRole

    return (
        Membership.objects.active()
        .filter(team__patient=patient, professional__user=user, role=TeamRole.GP)
        .exists()
    )
