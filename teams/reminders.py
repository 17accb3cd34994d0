"""What the care teams remind people of: a team still missing a required role some days
after the patient's inclusion (to the coordinator). Registered with its rule (see
`reminders.registry`)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labparcours.links import page
from labparcours.models import Role
from patients.models import Patient
from patients.selectors import with_team_counts
from reminders.registry import Candidate, Kind, register
from teams.models import REQUIRED_ROLES, TeamRole, team_incomplete


def _text(context: Mapping[str, Any], initials: str) -> str:
    return _(
        "The care team of patient %(initials)s is still incomplete %(days)s days after "
        "inclusion. Missing: %(roles)s."
    ) % {
        "initials": initials,
        "days": context["days"],
        "roles": ", ".join(str(TeamRole(role).label) for role in context["missing"]),
    }


TEAM_INCOMPLETE = Kind(
    key="team_incomplete",
    label=gettext_lazy("Care team still incomplete"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Care team incomplete — %(initials)s"),
    text=_text,
)


def teams_incomplete(now: datetime.datetime) -> list[Candidate]:
    """A care team still missing a required role N days after inclusion → the coordinator,
    once per inclusion."""
    today = timezone.localdate(now)
    limit = today - datetime.timedelta(days=settings.LABPARCOURS_REMINDER_TEAM_INCOMPLETE_DAYS)
    patients = (
        with_team_counts(Patient.objects.included())
        .filter(inclusion_date__lte=limit, coordinator__is_active=True)
        .filter(team_incomplete())
    )
    counts = [f"n_{role}" for role in REQUIRED_ROLES]
    candidates = []
    for patient_id, included_on, coordinator_id, *numbers in patients.values_list(
        "pk", "inclusion_date", "coordinator_id", *counts
    ):
        missing = [role.value for role, n in zip(REQUIRED_ROLES, numbers, strict=True) if not n]
        candidates.append(
            Candidate(
                TEAM_INCOMPLETE.key,
                coordinator_id,
                patient_id,
                f"team:{patient_id}",
                included_on.isoformat(),
                page("teams:team", patient_id),
                {"missing": missing, "days": (today - included_on).days},
            )
        )
    return candidates


register(TEAM_INCOMPLETE, find=teams_incomplete)
