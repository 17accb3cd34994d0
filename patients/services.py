"""Workflows on patients that span several models."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from labparcours.models import User
from patients.models import Caregiver, Consent, ConsentKind, Patient
from teams.models import CareTeam


@transaction.atomic
def patient_create(*, coordinator: User, consents: Iterable[str], **fields: Any) -> Patient:
    """Record a patient with their consents and an empty care team (a candidate: the
    inclusion, which spans the apps, is `programme.workflows.patient_include`)."""
    patient = Patient(coordinator=coordinator, **fields)
    patient.full_clean()
    patient.save()
    CareTeam.objects.create(patient=patient)
    now = timezone.now()
    Consent.objects.bulk_create(
        Consent(patient=patient, kind=kind, given_at=now, recorded_by=coordinator)
        for kind in consents
    )
    return patient


@transaction.atomic
def consent_record(
    *,
    patient: Patient,
    kind: str,
    recorded_by: User,
    given_at: datetime.datetime | None = None,
    caregiver: Caregiver | None = None,
) -> Consent:
    consent = Consent(
        patient=patient,
        kind=ConsentKind(kind),
        caregiver=caregiver,
        given_at=given_at or timezone.now(),
        recorded_by=recorded_by,
    )
    consent.full_clean()
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError as exc:
        # Another request recorded the same consent between the check and the write.
        raise ValidationError(gettext("This consent is already recorded.")) from exc
    return consent


@transaction.atomic
def caregiver_add(
    *, patient: Patient, recorded_by: User, delegation: bool, **fields: Any
) -> Caregiver:
    """Add a caregiver; with the patient's delegation consent they may act for the patient."""
    caregiver = Caregiver(patient=patient, **fields)
    caregiver.full_clean()
    caregiver.save()
    if delegation:
        consent_record(
            patient=patient,
            kind=ConsentKind.CAREGIVER_DELEGATION,
            recorded_by=recorded_by,
            caregiver=caregiver,
        )
    return caregiver
