"""Who may do what with a SIC and its contributions, once the scope let them see it.

Leading a SIC (schedule, cancel, record it held) is `teams.rules.can_lead_team`."""

from __future__ import annotations

from labparcours.models import User
from labparcours.permissions import is_patient_side
from labparcours.roles import PATIENT_FORM_WRITERS


def can_write_patient_form(user: User) -> bool:
    """The patient's experience form: the patient, their caregiver, or the coordinator on
    their behalf. The members' contributions are their authors' (`contribution_for`)."""
    return user.role in PATIENT_FORM_WRITERS


def can_read_sic_report(user: User) -> bool:
    """The SIC report (minutes, decisions, members' notes) is for the team, not the patient's
    side, who reads the care plan instead."""
    return not is_patient_side(user)
