"""What the care teams remind people of: a team still missing a required role some days
after the patient's inclusion (to the coordinator). Registered with its rule (see
`reminders.registry`)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q, Value
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labparcours.links import page_sql
from labparcours.models import Role
from patients.models import Patient
from patients.selectors import with_team_counts
from reminders.registry import Kind, Selection, register
from reminders.sql import DaysSince, PresentList, UUIDText, target, text
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


def teams_incomplete(now: datetime.datetime) -> Selection:
    """A care team still missing a required role N days after inclusion → the coordinator,
    once per inclusion. Written by the database."""
    today = timezone.localdate(now)
    limit = today - datetime.timedelta(days=settings.LABPARCOURS_REMINDER_TEAM_INCOMPLETE_DAYS)
    patients = (
        with_team_counts(Patient.objects.included())
        .filter(inclusion_date__lte=limit, coordinator__is_active=True)
        .filter(team_incomplete())
    )
    missing = PresentList([(Q(**{f"n_{role}": 0}), role.value) for role in REQUIRED_ROLES])
    patient = UUIDText("pk")
    return Selection(
        (
            patients.order_by().values_list(
                Value(TEAM_INCOMPLETE.key),
                target("team", patient),
                "coordinator_id",
                text("inclusion_date"),
                "pk",
                page_sql("teams:team", (uuid.UUID, patient)),
                JSONObject(missing=missing, days=DaysSince(today, "inclusion_date")),
            ),
        )
    )


register(TEAM_INCOMPLETE, find=teams_incomplete)
