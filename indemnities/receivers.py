"""The accrual follows the SIC's write commands (sent inside their transaction)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from indemnities import services
from sic.models import Attendance, Contribution
from sic.signals import attendance_recorded, contribution_submitted


@receiver(contribution_submitted, dispatch_uid="indemnities.contribution")
def accrue_contribution(sender: type, *, contribution: Contribution, **kwargs: Any) -> None:
    services.contribution_accrue(contribution=contribution)


@receiver(attendance_recorded, dispatch_uid="indemnities.attendance")
def accrue_attendance(sender: type, *, attendance: Attendance, by: Any, **kwargs: Any) -> None:
    services.attendance_accrue(attendance=attendance, by=by)
