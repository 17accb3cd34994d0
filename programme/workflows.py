"""Workflows that span the domain apps, orchestrated explicitly (no signals): each step is a
call to one app's service, in one transaction, in the order the programme needs.

Pages and the API call these functions; the apps never call one another's workflows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from budget.services import envelope_open
from labparcours.models import User
from patients.models import Patient
from patients.services import patient_create
from sic.services import sic_ensure_planned


@transaction.atomic
def patient_include(*, patient: Patient, on: datetime.date | None = None) -> Patient:
    """Include the patient in the programme, open their first year's envelope, then plan
    their first SIC (due a few weeks later). Raises InvalidTransition, and changes nothing,
    if consents or criteria miss."""
    patient.include(on=on)
    envelope_open(patient=patient, year=1)
    sic_ensure_planned(patient=patient)
    return patient


@transaction.atomic
def patient_record(
    *, coordinator: User, consents: Iterable[str], include: bool, **fields: Any
) -> Patient:
    """Record a patient with their consents and an empty care team, and include them at once
    when asked (everything is rolled back if the inclusion is refused)."""
    patient = patient_create(coordinator=coordinator, consents=consents, **fields)
    if include:
        patient_include(patient=patient)
    return patient
