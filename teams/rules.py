"""Who may do what with a care team (the scope is Patient.objects.visible_to)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from labparcours.models import Role, User

if TYPE_CHECKING:
    from patients.models import Patient


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
