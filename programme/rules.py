"""Who reads the programme's indicators and exports them."""

from __future__ import annotations

from labparcours.models import Role, User
from labparcours.roles import PROGRAMME_STAFF


def can_see_indicators(user: User) -> bool:
    """The cohort's figures, the patients behind them and the funder's report: the
    coordination and programme management."""
    return user.is_authenticated and user.role in PROGRAMME_STAFF


def can_export_for_evaluators(user: User) -> bool:
    """The pseudonymised export of the programme's rows: programme management only."""
    return user.is_authenticated and user.role == Role.ADMIN


def can_read_experience_summary(user: User) -> bool:
    """What patients say of their care, counted without identities: the coordination,
    programme management, and the patient partners (their only page of the programme)."""
    return user.is_authenticated and (
        user.role in PROGRAMME_STAFF or (user.is_active and user.is_patient_partner)
    )
