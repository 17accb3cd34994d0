"""Who may do what with a specialist opinion, once the scope let them see it (404 outside)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from labparcours.models import Role, User
from labparcours.roles import PROFESSIONALS

if TYPE_CHECKING:
    from opinions.models import OpinionRequest
    from patients.models import Patient


def is_team_member(user: User, patient: Patient) -> bool:
    """An active member of the patient's team, with the patient's consent to sharing: the
    clinician's scope of `Patient.objects.visible_to`."""
    if user.role != Role.CLINICIAN:
        return False
    from patients.models import Patient

    return Patient.objects.visible_to(user).filter(pk=patient.pk).exists()


def can_read_opinions(user: User) -> bool:
    """Read the specialist opinions of a patient in scope: what professionals write to each
    other (the patient's side reads the plan and the SICs, not these)."""
    # getattr: the schema generator asks with an anonymous user.
    return getattr(user, "role", None) in PROFESSIONALS


def can_ask(user: User, patient: Patient) -> bool:
    """Ask a specialist opinion about the patient: the coordinator, or an active member of the
    team."""
    return user.role == Role.COORDINATOR or is_team_member(user, patient)


def can_answer(user: User, request: OpinionRequest) -> bool:
    """Answer: the specialist who was asked, and only them."""
    return request.specialist.user_id is not None and request.specialist.user_id == user.pk


def can_close(user: User, request: OpinionRequest) -> bool:
    """Close (or withdraw) the request: its asker, or the coordinator."""
    return user.role == Role.COORDINATOR or request.asked_by_id == user.pk


def can_pin(user: User, request: OpinionRequest) -> bool:
    """Pin the answer to the next SIC, or take it off: the team and the coordinator, who
    prepare the SIC (not an outside specialist)."""
    return can_ask(user, request.patient)


def can_follow_open_requests(user: User) -> bool:
    """The list of the open requests across the programme: the coordinator, who reminds."""
    return user.role == Role.COORDINATOR


def has_opinion_inbox(user: User) -> bool:
    """« Avis demandés »: the requests addressed to a clinician, and those they asked."""
    return user.role == Role.CLINICIAN
