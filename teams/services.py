"""Workflows on care teams."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from labparcours.errors import DomainError
from labparcours.models import User
from teams.models import CareTeam, Membership, Professional


def membership_add(
    *, team: CareTeam, professional: Professional, role: str, added_by: User
) -> Membership:
    """Add a professional to a team; the same professional cannot be an active member twice
    (the database constraint guards against two coordinators clicking at once)."""
    if team.memberships.active().filter(professional=professional).exists():
        raise DomainError(
            _("%(name)s is already an active member of this team.") % {"name": professional},
            code="duplicate_member",
        )
    try:
        with transaction.atomic():
            return Membership.objects.create(
                team=team, professional=professional, role=role, added_by=added_by
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%(name)s is already an active member of this team.") % {"name": professional},
            code="duplicate_member",
        ) from exc
