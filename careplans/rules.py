"""Who may do what with a care plan, once the scope let them see it.

Writing the plan (new version, goals, actions, proposal) is `teams.rules.can_lead_team`;
following an action, `Action.can_be_followed_by`."""

from __future__ import annotations

from labparcours.models import Role, User
from labparcours.permissions import is_patient_side


def can_answer_for_patient(user: User) -> bool:
    """Validate online, or ask for changes: the patient or their caregiver (the scope
    already checked the delegation)."""
    return is_patient_side(user)


def can_record_validation(user: User) -> bool:
    """Record a validation the patient gave by phone or on paper: the coordinator."""
    return user.role == Role.COORDINATOR


def can_see_my_actions(user: User) -> bool:
    """« Mes actions »: the actions a clinician carries across their patients."""
    return user.role == Role.CLINICIAN
