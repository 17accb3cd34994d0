"""The patient's pathway: recording its events, the follow-up windows a discharge opens, the
contacts that meet them, and the breaks (ruptures) of the programme.

A death or a move out of the territory also ends the patient's participation, which spans the
apps (SICs, care plan, reminders): `programme.workflows.pathway_event_record` records it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import CharField, IntegerField, Prefetch, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext

from labparcours.errors import InvalidTransition
from labparcours.models import User
from patients import reminders
from patients.models import (
    WINDOW_RULES,
    FollowUpContact,
    FollowUpKind,
    FollowUpWindow,
    PathwayEvent,
    Patient,
    PatientStatus,
)

# The fields a correction may change; the kind of an event is never changed (record another).
CORRECTABLE_FIELDS = (
    "occurred_on",
    "discharged_on",
    "cause",
    "establishment",
    "source",
    "source_detail",
)


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def pathway_event_create(*, patient: Patient, by: User, **fields: Any) -> PathwayEvent:
    """Record an event; a hospitalisation recorded with its discharge opens its windows.
    Raises ValidationError for what the model refuses (a date to come, a second death…)."""
    event = PathwayEvent(patient=patient, recorded_by=by, **fields)
    event.full_clean()
    event.save()
    if event.discharged_on is not None:
        _discharge_opens_windows(event, by=by)
    return event


@transaction.atomic
def pathway_event_correct(*, event: PathwayEvent, by: User, **fields: Any) -> PathwayEvent:
    """Correct an event (the history keeps what it said before, and who changed it). The
    discharge of a stay, recorded here once known, opens its windows; a corrected discharge
    moves the windows that no contact met yet."""
    event = PathwayEvent.objects.select_for_update().get(pk=event.pk)
    unknown = set(fields) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not correctable: {sorted(unknown)}")
    discharged_before = event.discharged_on
    for name, value in fields.items():
        setattr(event, name, value)
    if discharged_before is not None and event.discharged_on is None:
        raise InvalidTransition(
            gettext("A recorded discharge can be corrected, not removed."), code="discharge_kept"
        )
    event.full_clean()
    event.save()
    if event.discharged_on is not None and discharged_before is None:
        _discharge_opens_windows(event, by=by)
    elif event.discharged_on != discharged_before:
        _move_windows(event)
    return event


def _deadline(discharged_on: datetime.date, kind: str) -> datetime.date:
    return discharged_on + datetime.timedelta(days=WINDOW_RULES[FollowUpKind(kind)].days)


def _discharge_opens_windows(event: PathwayEvent, *, by: User) -> None:
    discharged_on = event.discharged_on
    if discharged_on is None:
        return
    windows = FollowUpWindow.objects.bulk_create(
        FollowUpWindow(
            event=event,
            patient_id=event.patient_id,
            kind=kind,
            opens_on=discharged_on,
            closes_on=_deadline(discharged_on, kind),
        )
        for kind in WINDOW_RULES
    )
    # A contact already made since the discharge (recorded before it) meets its window.
    for window in windows:
        earlier = (
            FollowUpContact.objects.filter(
                patient_id=event.patient_id, kind=window.kind, contacted_on__gte=window.opens_on
            )
            .order_by("contacted_on", "pk")
            .first()
        )
        if earlier is not None:
            window.contact = earlier
            window.save(update_fields=["contact"])
    if event.patient.status == PatientStatus.INCLUDED:
        reminders.discharge_recorded(event, windows, by_id=by.pk)


def _move_windows(event: PathwayEvent) -> None:
    discharged_on = event.discharged_on
    if discharged_on is None:
        return
    for window in event.windows.unmet():
        window.opens_on = discharged_on
        window.closes_on = _deadline(discharged_on, window.kind)
        window.save(update_fields=["opens_on", "closes_on"])


@transaction.atomic
def followup_contact_record(
    *,
    patient: Patient,
    kind: str,
    by: User,
    on: datetime.date | None = None,
    note: str = "",
) -> FollowUpContact:
    """A team member made a contact with the patient (« Contact fait aujourd'hui », or on
    another day): it meets every unmet window of its kind open by that day — in time, or
    late, which ends the break — and their reminders are done."""
    contact = FollowUpContact(
        patient=patient,
        kind=FollowUpKind(kind),
        contacted_on=on or timezone.localdate(),
        by=by,
        note=note.strip(),
    )
    contact.full_clean()
    contact.save()
    met = FollowUpWindow.objects.select_for_update().filter(
        patient=patient, kind=contact.kind, opens_on__lte=contact.contacted_on
    )
    met = met.unmet()
    window_ids = list(met.values_list("pk", flat=True))
    event_ids = set(met.values_list("event_id", flat=True))
    FollowUpWindow.objects.filter(pk__in=window_ids).update(contact=contact)
    reminders.windows_met(window_ids, PathwayEvent.objects.filter(pk__in=event_ids))
    return contact


# --- Reads (the patient came through the scope) ---------------------------------------------


@dataclass(frozen=True)
class Pathway:
    """What the « Parcours » card shows: the events (newest first), with their windows."""

    events: list[PathwayEvent]
    open_windows: list[FollowUpWindow]
    broken_windows: list[FollowUpWindow]


def _windows() -> QuerySet[FollowUpWindow]:
    return FollowUpWindow.objects.select_related("contact__by").order_by("kind")


def patient_pathway(patient: Patient, *, today: datetime.date | None = None) -> Pathway:
    """Two queries: the events with who recorded them, and their windows with contacts."""
    today = today or timezone.localdate()
    events = list(
        PathwayEvent.objects.filter(patient=patient)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("windows", queryset=_windows()))
        .order_by("-occurred_on", "-pk")
    )
    windows = [w for e in events for w in e.windows.all() if w.contact_id is None]
    if patient.status != PatientStatus.INCLUDED:
        windows = []
    return Pathway(
        events=events,
        open_windows=sorted(
            (w for w in windows if w.closes_on >= today), key=lambda w: w.closes_on
        ),
        broken_windows=sorted(
            (w for w in windows if w.closes_on < today), key=lambda w: w.closes_on
        ),
    )


def event_of(patient: Patient, event_pk: int) -> PathwayEvent | None:
    return (
        PathwayEvent.objects.filter(patient=patient, pk=event_pk)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("windows", queryset=_windows()))
        .first()
    )


# --- The breaks of the programme (« Ruptures ») ---------------------------------------------

SIC_OVERDUE = "sic_overdue"
BREAK_KINDS = (FollowUpKind.MEDICAL.value, FollowUpKind.SPECIALIST.value, SIC_OVERDUE)


@dataclass(frozen=True)
class Break:
    """One open break: its kind, since when (the last day of the window, or the SIC's due
    date), how many days overdue, and what it is about (a window's event, or a SIC)."""

    patient: Patient
    kind: str
    since: datetime.date
    days: int
    event_id: int | None
    sic_id: int | None


def open_breaks(
    patients: QuerySet[Patient], *, kind: str = "", today: datetime.date | None = None
) -> QuerySet:
    """The open breaks of `patients` (in the programme), oldest first, as one query of rows
    (since, patient id, kind, window or SIC id, event id): the windows missed with no contact
    since, and the SICs overdue (`Sic.objects.overdue`)."""
    from sic.models import Sic

    today = today or timezone.localdate()
    included = patients.filter(status=PatientStatus.INCLUDED).values("pk")
    windows = (
        FollowUpWindow.objects.broken(today)
        .filter(patient__in=included)
        .order_by()
        .values_list("closes_on", "patient_id", "kind", "pk", "event_id")
    )
    sics = (
        Sic.objects.overdue(today)
        .filter(patient__in=included)
        .order_by()
        .annotate(
            break_kind=Value(SIC_OVERDUE, output_field=CharField()),
            no_event=Value(None, output_field=IntegerField()),
        )
        .values_list("due_date", "patient_id", "break_kind", "pk", "no_event")
    )
    if kind == SIC_OVERDUE:
        return sics.order_by("due_date", "patient_id", "pk")
    if kind:
        return windows.filter(kind=kind).order_by("closes_on", "patient_id", "pk")
    return windows.union(sics, all=True).order_by("closes_on", "patient_id", "pk")


def breaks_of(rows: list[tuple], *, today: datetime.date | None = None) -> list[Break]:
    """The rows of `open_breaks` with their patients, in one query."""
    today = today or timezone.localdate()
    patients = Patient.objects.select_related("coordinator").in_bulk({row[1] for row in rows})
    return [
        Break(
            patient=patients[patient_id],
            kind=kind,
            since=since,
            days=(today - since).days,
            event_id=event_id,
            sic_id=ref if kind == SIC_OVERDUE else None,
        )
        for since, patient_id, kind, ref, event_id in rows
    ]
