"""The programme's figures (the dashboard's, the SIC calendar's, the lists' counts) counted
again after a write that changes them: a patient recorded, included or exited, a team member
added or leaving, a SIC planned, held or cancelled (`labparcours.cache.renew`)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from labparcours.cache import PROGRAMME_FIGURES, renew
from patients.models import Patient
from sic.models import Sic
from teams.models import CareTeam, Membership


def _figures_changed(**kwargs: Any) -> None:
    renew(PROGRAMME_FIGURES)


def connect() -> None:
    for model in (Patient, CareTeam, Membership, Sic):
        for signal in (post_save, post_delete):
            signal.connect(
                _figures_changed,
                sender=model,
                dispatch_uid=f"programme-figures-{model._meta.label_lower}-{signal is post_save}",
            )
