"""Who may do what, beyond what they may see (the scope is Patient.objects.visible_to).

The kernel's predicates: roles only, no domain app imported. Each domain app keeps its own
in its `rules.py` (`patients.rules`, `teams.rules`, `sic.rules`, `careplans.rules`), over the
role sets of `labparcours.roles`. A view checks the scope first (404), then calls `require`
with a predicate (403 through `NotAllowed`).
"""

from __future__ import annotations

from labparcours.errors import NotAllowed
from labparcours.models import Role, User
from labparcours.roles import PATIENT_SIDE, PROFESSIONALS, PROGRAMME_STAFF


def can_manage_patients(user: User) -> bool:
    """Include patients, record consents, build teams, invite: the coordinator's job."""
    return user.is_authenticated and user.role == Role.COORDINATOR


def can_see_programme(user: User) -> bool:
    return user.is_authenticated and user.role in PROGRAMME_STAFF


def can_browse_directory(user: User) -> bool:
    return user.is_authenticated and user.role in PROFESSIONALS


def is_patient_side(user: User) -> bool:
    """The patient or their caregiver: they read the record from the patient's side."""
    return getattr(user, "role", None) in PATIENT_SIDE


def acts_for_patient(user: User) -> bool:
    """A caregiver reads and acts for the patient: the patient's pages name the patient
    (« le plan de Marcel », « Valider pour Marcel ») where they say « vous » to the patient.
    The one switch between the two voices, for templates (`as_caregiver`) and code alike."""
    return getattr(user, "role", None) == Role.CAREGIVER


def is_programme_management(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def require(allowed: bool) -> None:
    """Refuse (403) what the user's role may not do; call it once the scope answered."""
    if not allowed:
        raise NotAllowed
