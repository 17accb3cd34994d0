"""Who may do what with an envelope, once the scope let them see the patient."""

from __future__ import annotations

from typing import TYPE_CHECKING

from labparcours.models import Role, User
from labparcours.roles import PATIENT_SIDE, PROGRAMME_STAFF

if TYPE_CHECKING:
    from patients.models import Patient


def can_prescribe(user: User, patient: Patient) -> bool:
    """Ask for supplementary care: the coordinator, or an active member of the patient's
    team."""
    if user.role == Role.COORDINATOR:
        return True
    if user.role != Role.CLINICIAN:
        return False
    from teams.models import Membership

    return (
        Membership.objects.active().filter(team__patient=patient, professional__user=user).exists()
    )


def can_decide(user: User) -> bool:
    """Approve or refuse a request (the money is committed): the coordinator."""
    return user.role == Role.COORDINATOR


def can_cancel(user: User, prescriber_id: int) -> bool:
    """Cancel a request: its prescriber, or the coordinator."""
    return user.role == Role.COORDINATOR or user.pk == prescriber_id


def can_record_expense(user: User) -> bool:
    """Record the sessions done and the provider's invoice: the coordinator."""
    return user.role == Role.COORDINATOR


def can_mark_paid(user: User) -> bool:
    """Mark an expense paid: the programme's admin."""
    return user.role == Role.ADMIN


def can_correct(user: User) -> bool:
    """Write a correction in the ledger: the programme's admin."""
    return user.role == Role.ADMIN


def can_read_invoice(user: User) -> bool:
    """Download a provider's invoice: the coordinator who recorded it, the admin who pays it."""
    return user.role in PROGRAMME_STAFF


def can_see_amounts(user: User) -> bool:
    """Read the money of an envelope (balances, prices, invoices, the ledger): the programme
    and the team. The patient's side sees what was granted, in sessions, without prices."""
    # getattr: the schema generator asks with an anonymous user.
    return getattr(user, "role", None) not in PATIENT_SIDE


def can_see_prices(user: User) -> bool:
    """The unit prices and amounts of the care granted: those who see the money, and the
    patient's side too when the programme chooses to show them
    (`LABPARCOURS_BUDGET_SHOW_PRICES_TO_PATIENTS`)."""
    from django.conf import settings

    return can_see_amounts(user) or settings.LABPARCOURS_BUDGET_SHOW_PRICES_TO_PATIENTS
