"""Who may do what with indemnities."""

from __future__ import annotations

from labparcours.models import Role, User
from labparcours.roles import PROFESSIONALS
from teams.models import PracticeMode, Professional


def can_manage(user: User) -> bool:
    """Rates, approvals, items, reversals and payment batches: the programme's admin."""
    return user.role == Role.ADMIN


def is_own(user: User, professional: Professional) -> bool:
    return professional.user_id is not None and professional.user_id == user.pk


def can_see_lines_of(user: User, professional: Professional) -> bool:
    """A professional's lines and statements: the admin, and the professional."""
    return can_manage(user) or is_own(user, professional)


def can_edit_bank_account(user: User, professional: Professional) -> bool:
    """Bank details, seen in full and changed: the admin, and the professional."""
    return can_see_lines_of(user, professional)


def can_read_rates(user: User) -> bool:
    """The rates are the programme's public terms: the admin, the coordinators and the
    professionals read them."""
    return user.role in PROFESSIONALS


def has_directory_entry(user: User) -> bool:
    """« Mes indemnisations »: a user who is a professional of the directory."""
    return user.is_authenticated and getattr(user, "professional", None) is not None


def receives_indemnities(professional: Professional) -> bool:
    """Liberal professionals are paid by the programme; salaried and hospital ones by their
    employer: they accrue nothing and keep no bank details here."""
    return professional.practice_mode == PracticeMode.LIBERAL
