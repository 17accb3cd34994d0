"""Workflows that span the domain apps, orchestrated explicitly (no signals): each step is a
call to one app's service, in one transaction, in the order the programme needs.

Pages and the API call these functions; the apps never call one another's workflows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from budget.services import envelope_open
from careplans.services import careplan_archive_current
from labparcours.models import User
from patients import reminders as pathway_reminders
from patients.models import EXIT_EVENTS, ExitReason, PathwayEvent, Patient, PatientStatus
from patients.pathway import pathway_event_correct, pathway_event_create
from patients.recipients import coordinator_of
from patients.services import patient_create
from reminders.events import reminders_stop
from sic.models import Sic
from sic.services import sic_cancel, sic_ensure_planned


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


@transaction.atomic
def pathway_event_record(*, patient: Patient, by: User, **fields: Any) -> PathwayEvent:
    """Record an event of the patient's pathway (`patients.pathway`); a death or a move out
    of the territory ends their participation in the programme (`patient_leave`)."""
    event = pathway_event_create(patient=patient, by=by, **fields)
    reason = EXIT_EVENTS.get(event.kind)
    if reason is not None:
        patient_leave(patient=patient, reason=reason, on=event.occurred_on, by=by)
    return event


@transaction.atomic
def pathway_event_correct_record(*, event: PathwayEvent, by: User, **fields: Any) -> PathwayEvent:
    """Correct an event (`patients.pathway.pathway_event_correct`); when the patient left the
    programme by it (a death, a move, on its date), their exit date follows its corrected date:
    the record, the FHIR Patient's date of death, the indicators and the evaluators' export
    read the exit date."""
    before = PathwayEvent.objects.select_for_update().get(pk=event.pk)
    corrected = pathway_event_correct(event=before, by=by, **fields)
    patient = Patient.objects.select_for_update().get(pk=corrected.patient_id)
    reason = EXIT_EVENTS.get(corrected.kind)
    left_by_it = (
        reason is not None
        and patient.status == PatientStatus.EXITED
        and patient.exit_reason == reason
        and patient.exit_date == before.occurred_on
    )
    if left_by_it and patient.exit_date != corrected.occurred_on:
        patient.exit_date = corrected.occurred_on
        patient.save(update_fields=["exit_date"])
    return corrected


@transaction.atomic
def patient_leave(
    *, patient: Patient, reason: str, on: datetime.date | None = None, by: User
) -> Patient:
    """The patient leaves the programme: they exit with `reason` (when included), their open
    SICs are cancelled (and withdrawn from the calendars they were sent to), their care plan
    is archived and every reminder about them stops. A death or a move is told to the team
    and the coordinator (but to who recorded it), soberly: who to tell is read before the
    exit, since nobody is reminded of a patient out of the programme."""
    reason = ExitReason(reason)
    told: set[int] = set()
    if patient.status == PatientStatus.INCLUDED:
        told = set(pathway_reminders.team_users(patient.pk)) | set(coordinator_of(patient.pk))
        patient.exit(reason=reason, on=on)
    why = gettext("The patient left the programme (%(reason)s).") % {"reason": reason.label}
    for sic in Sic.objects.open().filter(patient=patient):
        sic_cancel(sic=sic, reason=why)
    careplan_archive_current(patient=patient)
    reminders_stop(patient_id=patient.pk)
    told.discard(by.pk)
    if told and reason in (ExitReason.DEATH, ExitReason.MOVED):
        pathway_reminders.departure_told(
            patient_id=patient.pk,
            told=told,
            death=reason == ExitReason.DEATH,
            on=on or patient.exit_date or timezone.localdate(),
        )
    return patient
