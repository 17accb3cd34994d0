"""The clinical view of a patient over time (suivi clinique), read from the structured
contributions of their SICs: the key measures as series across the SICs held, the current
medication list with what changed since the previous review (started, stopped, dose
changed), and the hospitalisations reported.

One query, through the access scope of contributions: the team reads what was submitted
to it; the patient's side, who may not read the professionals' notes, reads none of it."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from labparcours.models import User
from patients.models import Patient
from sic.measures import MEASURES, Measure, measure_values
from sic.models import Contribution, ContributionKind, ContributionStatus, Sic, SicStatus

# When two contributions of one SIC give the same measure, the first of these kinds wins.
KIND_ORDER: list[str] = [
    ContributionKind.NURSING_ASSESSMENT,
    ContributionKind.SPECIALIST_OPINION,
    ContributionKind.GP_SUMMARY,
    ContributionKind.MEDICATION_REVIEW,
    ContributionKind.PATIENT_EXPERIENCE,
]


@dataclass
class Snapshot:
    """What one SIC's submitted contributions say."""

    sic: Sic
    measures: dict[str, Decimal] = field(default_factory=dict)
    medications: list[dict[str, Any]] | None = None  # None: no medication review submitted
    hospitalisations: list[Hospitalisation] = field(default_factory=list)

    @property
    def day(self) -> datetime.date:
        """The day the SIC was held; for the SIC in preparation, today."""
        if self.sic.held_at is not None:
            return timezone.localtime(self.sic.held_at).date()
        return timezone.localdate()


@dataclass(frozen=True)
class Point:
    measure: Measure
    snapshot: Snapshot
    value: Decimal

    @property
    def sic(self) -> Sic:
        return self.snapshot.sic

    @property
    def text(self) -> str:
        """ "82,4 kg", "NYHA II"."""
        return self.measure.display(self.value)

    @property
    def number(self) -> str:
        return self.measure.number(self.value)


@dataclass(frozen=True)
class Trend:
    """One measure across the SICs: its values, oldest first."""

    measure: Measure
    points: list[Point]

    @property
    def latest(self) -> Point:
        return self.points[-1]

    @property
    def previous(self) -> Point | None:
        return self.points[-2] if len(self.points) > 1 else None

    def delta_text(self) -> str:
        """The change since the previous value: "+1,7 kg"."""
        return change_text(self.measure, self.previous, self.latest)

    def delta_number(self) -> str:
        """The same without its unit (shown beside the value): "+1,7"."""
        return change_text(self.measure, self.previous, self.latest, unit=False)

    def recent(self, count: int = 4) -> list[Point]:
        return self.points[-count:]


def change_text(
    measure: Measure, before: Point | None, now: Point | None, *, unit: bool = True
) -> str:
    """The change from `before` to `now`, signed, in the measure's unit: "+1,7 kg", "−1"."""
    if before is None or now is None:
        return ""
    delta = now.value - before.value
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if measure.is_class:
        return f"{sign}{abs(delta)}"
    number = measure.display(abs(delta)) if unit else measure.number(abs(delta))
    return f"{sign}{number}"


@dataclass(frozen=True)
class MeasureChange:
    """A measure at the SIC before, and at this one (None: not given for it yet)."""

    trend: Trend
    before: Point | None
    now: Point | None

    def change_text(self) -> str:
        return change_text(self.trend.measure, self.before, self.now)


@dataclass(frozen=True)
class Hospitalisation:
    day: datetime.date
    reason: str
    days: int | None
    sic: Sic  # the SIC whose GP's summary reported it


@dataclass(frozen=True)
class MedicationLine:
    name: str
    dose: str
    change: str = ""  # "started", "dose", "stopped", or "" when unchanged
    previous_dose: str = ""


@dataclass
class ClinicalView:
    """What `clinical_view` read: `current` is the last SIC (held, or the one in
    preparation), `previous` the SIC held before it."""

    snapshots: list[Snapshot]
    trends: list[Trend]
    medications: list[MedicationLine]
    stopped: list[MedicationLine]
    medications_from: Sic | None
    medications_since: Sic | None
    hospitalisations: list[Hospitalisation]

    @property
    def current(self) -> Snapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    @property
    def previous(self) -> Snapshot | None:
        return self.snapshots[-2] if len(self.snapshots) > 1 else None

    @property
    def is_empty(self) -> bool:
        return not (self.trends or self.medications or self.stopped or self.hospitalisations)

    @property
    def medication_changes(self) -> list[MedicationLine]:
        return [m for m in self.medications if m.change] + self.stopped

    def measure_changes(self) -> list[MeasureChange]:
        """Each measure at the current SIC and at the last SIC before it that gave it."""
        rows = []
        for trend in self.trends:
            earlier = [p for p in trend.points if p.snapshot is not self.current]
            now = trend.latest if trend.latest.snapshot is self.current else None
            rows.append(MeasureChange(trend, earlier[-1] if earlier else None, now))
        return rows

    def hospitalisations_since_previous(self) -> list[Hospitalisation]:
        """Those after the SIC held before the current one (all, when none was)."""
        previous = self.previous
        if previous is None:
            return self.hospitalisations
        return [h for h in self.hospitalisations if h.day > previous.day]


def clinical_view(*, user: User, patient: Patient, sic: Sic | None = None) -> ClinicalView:
    """The patient's clinical view as `user` may read it: over the SICs held, or, for the
    preparation page of `sic`, over the SICs held up to it and `sic` itself (its
    contributions submitted so far) as the current one."""
    return build_view(_snapshots(user=user, patient=patient, sic=sic))


def _snapshots(*, user: User, patient: Patient, sic: Sic | None) -> list[Snapshot]:
    sics = Q(sic__status=SicStatus.HELD)
    if sic is not None and sic.status == SicStatus.HELD and sic.held_at is not None:
        sics &= Q(sic__held_at__lte=sic.held_at)
    elif sic is not None:
        sics |= Q(sic=sic)
    contributions = (
        Contribution.objects.visible_to(user)
        .filter(sics, sic__patient=patient, status=ContributionStatus.SUBMITTED)
        .select_related("sic")
        .order_by("pk")
    )
    snapshots: dict[int, Snapshot] = {}
    for contribution in sorted(contributions, key=lambda c: KIND_ORDER.index(c.kind)):
        snapshot = snapshots.setdefault(contribution.sic_id, Snapshot(contribution.sic))
        _read(snapshot, contribution)
    # Held SICs by the day they were held; the one in preparation last.
    return sorted(
        snapshots.values(),
        key=lambda s: (s.sic.status != SicStatus.HELD, s.sic.held_at or timezone.now(), s.sic.pk),
    )


def _read(snapshot: Snapshot, contribution: Contribution) -> None:
    content = contribution.content if isinstance(contribution.content, dict) else {}
    for key, value in measure_values(content).items():
        snapshot.measures.setdefault(key, value)
    if contribution.kind == ContributionKind.MEDICATION_REVIEW:
        snapshot.medications = [
            m for m in content.get("medications", []) if isinstance(m, dict) and m.get("name")
        ]
    for row in content.get("hospitalisations", []):
        try:
            day = datetime.date.fromisoformat(row["date"])
        except (KeyError, TypeError, ValueError):
            continue
        days = row.get("days") if isinstance(row.get("days"), int) else None
        reason = str(row.get("reason", ""))
        snapshot.hospitalisations.append(Hospitalisation(day, reason, days, snapshot.sic))


def build_view(snapshots: list[Snapshot]) -> ClinicalView:
    trends = []
    for measure in MEASURES:
        points = [
            Point(measure, s, s.measures[measure.key])
            for s in snapshots
            if measure.key in s.measures
        ]
        if points:
            trends.append(Trend(measure, points))
    reviews = [s for s in snapshots if s.medications is not None]
    current = reviews[-1] if reviews else None
    before = reviews[-2] if len(reviews) > 1 else None
    medications, stopped = compare_medications(
        (current.medications or []) if current else [], before.medications if before else None
    )
    return ClinicalView(
        snapshots=snapshots,
        trends=trends,
        medications=medications,
        stopped=stopped,
        medications_from=current.sic if current else None,
        medications_since=before.sic if before else None,
        hospitalisations=_distinct(h for s in snapshots for h in s.hospitalisations),
    )


def normalised(text: str) -> str:
    """A medication's name or dose as compared: case, accents and spacing aside."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def compare_medications(
    current: list[dict[str, Any]], previous: list[dict[str, Any]] | None
) -> tuple[list[MedicationLine], list[MedicationLine]]:
    """The current list, each line marked started or dose changed against `previous` (no
    mark when there is no previous list to compare with), and the lines stopped."""
    before = {normalised(m["name"]): m for m in previous or []}
    now = {normalised(m["name"]) for m in current}
    lines = []
    for med in current:
        old = before.get(normalised(med["name"]))
        dose = str(med.get("dose", ""))
        change, previous_dose = "", ""
        if previous is not None and old is None:
            change = "started"
        elif old is not None and normalised(str(old.get("dose", ""))) != normalised(dose):
            change, previous_dose = "dose", str(old.get("dose", ""))
        lines.append(MedicationLine(str(med["name"]), dose, change, previous_dose))
    stopped = [
        MedicationLine(str(m["name"]), "", "stopped", str(m.get("dose", "")))
        for key, m in before.items()
        if key not in now
    ]
    return lines, stopped


def _distinct(rows: Iterable[Hospitalisation]) -> list[Hospitalisation]:
    """Each hospitalisation once (a summary may report again one reported before), newest
    first."""
    seen: dict[tuple[datetime.date, str], Hospitalisation] = {}
    for row in rows:
        seen.setdefault((row.day, normalised(row.reason)), row)
    return sorted(seen.values(), key=lambda h: h.day, reverse=True)
