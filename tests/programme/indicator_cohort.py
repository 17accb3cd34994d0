"""A small cohort built by hand for the indicators of 2025, each figure computed by hand in
tests/programme/test_indicators.py (the rows are written as the services would have left
them, at the dates the figures need).

- A (IC, postcode 59000), included all year, a complete team (GP g1): SIC 1 due 15/02 held
  10/02 with every contribution, SIC 2 due 10/08 held 01/08 (the nurse's assessment sent
  after it, no medication review), SIC 3 due in 2026; plans from both SICs validated; two
  stays (discharged 05/03, re-admitted 20/03, discharged 25/03); two opinions (24 h, and
  one asked in 2024); an envelope of 1,000 € (200 € spent on diet in 2025, 50 € in 2026).
- B (DT2, 62100), included 02/07/2025, only a GP (g2): SIC 1 due 01/09 never held; a stay
  discharged 28/12 with its medical contact on 30/12; an opinion answered in 6 h; an
  envelope of 800 € (100 € of psychology in 2025).
- C (IC, 59800), exited 31/03/2025, GP g1: SIC due 01/12/2024 held 20/01/2025; a plan
  proposed 25/01, never validated; a stay discharged 03/02, both contacts in time; an
  opinion never answered; an envelope of 2024 only.
- D (IC), included in 2026: outside the period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from budget.models import BudgetEnvelope, BudgetMovement, MovementKind
from careplans.models import CarePlan, PlanStatus
from opinions.models import OpinionRequest, Urgency
from patients.models import (
    ExitReason,
    FollowUpContact,
    FollowUpKind,
    FollowUpWindow,
    PathwayEvent,
    Patient,
    PatientStatus,
)
from programme.indicators import Filters
from sic.models import Contribution, ContributionStatus, Sic, SicStatus
from teams.models import Membership, Profession, Professional, TeamRole
from tests.factories import PatientFactory, ProfessionalFactory, World, category

YEAR = Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))


def at(day: str, hour: int = 14) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


@dataclass
class Cohort:
    a: Patient
    b: Patient
    c: Patient
    outside: Patient
    g1: Professional
    g2: Professional
    nurse: Professional


def _member(patient: Patient, pro: Professional, role: str, world: World) -> None:
    Membership.objects.create(
        team=patient.care_team,
        professional=pro,
        role=role,
        added_by=world.coordinator,
        joined_at=at("2024-01-01"),
    )


def _patient(world: World, last: str, pathway: str, postcode: str, included: str) -> Patient:
    return PatientFactory(
        coordinator=world.coordinator,
        last_name=last,
        first_name="Test",
        pathway=pathway,
        postal_code=postcode,
        inclusion_date=d(included),
        phone=f"06 12 34 5{len(last)} {len(last)}8",
        birth_date=datetime.date(1948, 3, 17),
    )


def _held(patient: Patient, due: str, held: str) -> Sic:
    return Sic.objects.create(
        patient=patient,
        status=SicStatus.HELD,
        due_date=d(due),
        scheduled_at=at(held),
        held_at=at(held),
        minutes="Synthèse.",
    )


def _sent(sic: Sic, kind: str, author: object, on: str, **content: object) -> None:
    Contribution.objects.create(
        sic=sic,
        kind=kind,
        author=author,
        entered_by=author,
        status=ContributionStatus.SUBMITTED,
        submitted_at=at(on, 9),
        content=content,
    )


def _stay(
    patient: Patient, world: World, admitted: str, discharged: str, contacts: dict[str, str | None]
) -> PathwayEvent:
    event = PathwayEvent.objects.create(
        patient=patient,
        kind="hospitalisation",
        occurred_on=d(admitted),
        discharged_on=d(discharged),
        cause="heart_failure",
        establishment="CHU de Lille",
        source="discharge_letter",
        recorded_by=world.coordinator,
    )
    for kind, days in ((FollowUpKind.MEDICAL, 7), (FollowUpKind.SPECIALIST, 60)):
        contact = None
        if contacts.get(kind):
            contact = FollowUpContact.objects.create(
                patient=patient, kind=kind, contacted_on=d(contacts[kind]), by=world.gp
            )
        FollowUpWindow.objects.create(
            event=event,
            patient=patient,
            kind=kind,
            opens_on=d(discharged),
            closes_on=d(discharged) + datetime.timedelta(days=days),
            contact=contact,
        )
    return event


def _plan(
    patient: Patient, world: World, version: int, sic: Sic, proposed: str, **more: object
) -> None:
    CarePlan.objects.create(
        patient=patient,
        version=version,
        sic=sic,
        created_by=world.coordinator,
        proposed_at=at(proposed, 10),
        **{"status": PlanStatus.PROPOSED, **more},
    )


def _opinion(patient: Patient, world: World, asked: datetime.datetime, hours: int | None) -> None:
    OpinionRequest.objects.create(
        patient=patient,
        asked_by=world.gp,
        specialist=world.specialist.professional,
        question="Faut-il majorer le diurétique ?",
        urgency=Urgency.WITHIN_48_HOURS,
        asked_at=asked,
        due_at=asked + datetime.timedelta(hours=48),
        status="answered" if hours is not None else "open",
        answer="Oui." if hours is not None else "",
        answered_at=asked + datetime.timedelta(hours=hours) if hours is not None else None,
        answered_by=world.specialist if hours is not None else None,
    )


def _envelope(patient: Patient, starts: str, amount: str, spent: list[tuple]) -> None:
    start = d(starts)
    envelope = BudgetEnvelope.objects.create(
        patient=patient,
        year=1,
        starts_on=start,
        ends_on=start.replace(year=start.year + 1) - datetime.timedelta(days=1),
        amount=Decimal(amount),
    )
    BudgetMovement.objects.create(
        envelope=envelope, kind=MovementKind.ALLOT, amount=Decimal(amount), why="Forfait"
    )
    for name, value, day in spent:
        BudgetMovement.objects.create(
            envelope=envelope,
            category=category(name),
            kind=MovementKind.SPEND,
            amount=Decimal(value),
            at=at(day, 12),
            why="Séance",
        )


def build(world: World) -> Cohort:
    g1 = ProfessionalFactory(profession=Profession.GP)
    g2 = ProfessionalFactory(profession=Profession.GP)
    nurse = ProfessionalFactory(profession=Profession.NURSE)
    a = _patient(world, "Aubry", "ic", "59000", "2024-06-01")
    b = _patient(world, "Bertin", "dt2", "62100", "2025-07-02")
    c = _patient(world, "Cordier", "ic", "59800", "2024-01-01")
    outside = _patient(world, "Dufour", "ic", "59000", "2026-01-10")
    Patient.objects.filter(pk=c.pk).update(
        status=PatientStatus.EXITED, exit_date=d("2025-03-31"), exit_reason=ExitReason.MOVED
    )
    c.refresh_from_db()
    _member(a, g1, TeamRole.GP, world)
    _member(a, nurse, TeamRole.NURSE, world)
    _member(a, ProfessionalFactory(profession=Profession.PHARMACIST), TeamRole.PHARMACIST, world)
    _member(a, ProfessionalFactory(profession=Profession.CARDIOLOGIST), TeamRole.SPECIALIST, world)
    _member(b, g2, TeamRole.GP, world)
    _member(c, g1, TeamRole.GP, world)
    _member(outside, g1, TeamRole.GP, world)

    a1 = _held(a, "2025-02-15", "2025-02-10")
    for kind, author in (
        ("gp_summary", world.gp),
        ("medication_review", world.pharmacist),
        ("nursing_assessment", world.nurse),
        ("specialist_opinion", world.specialist),
    ):
        _sent(a1, kind, author, "2025-02-05")
    _sent(
        a1,
        "patient_experience",
        world.patient_user,
        "2025-02-06",
        priorities=["autonomy", "family"],
        difficulty_topics=["appointments"],
        what_matters_most="Aller au marché avec Mme Aubry",
    )
    a2 = _held(a, "2025-08-10", "2025-08-01")
    _sent(a2, "gp_summary", world.gp, "2025-07-30")
    _sent(a2, "specialist_opinion", world.specialist, "2025-07-31")
    _sent(a2, "nursing_assessment", world.nurse, "2025-08-02")
    Sic.objects.create(patient=a, due_date=d("2026-02-01"))
    Sic.objects.create(patient=b, due_date=d("2025-09-01"))
    c1 = _held(c, "2024-12-01", "2025-01-20")

    _plan(
        a,
        world,
        1,
        a1,
        "2025-02-12",
        status=PlanStatus.SUPERSEDED,
        validated_at=at("2025-02-20", 10),
        validation_method="online",
    )
    _plan(
        a,
        world,
        2,
        a2,
        "2025-08-03",
        status=PlanStatus.VALIDATED,
        validated_at=at("2025-08-05"),
        validation_method="phone",
    )
    _plan(c, world, 1, c1, "2025-01-25", status=PlanStatus.ARCHIVED)

    _stay(
        a, world, "2025-03-01", "2025-03-05", {"medical": "2025-03-10", "specialist": "2025-06-01"}
    )
    _stay(a, world, "2025-03-20", "2025-03-25", {})
    FollowUpWindow.objects.filter(patient=a, kind="specialist", contact__isnull=True).update(
        contact=FollowUpContact.objects.get(patient=a, kind="specialist")
    )
    _stay(
        c, world, "2025-02-01", "2025-02-03", {"medical": "2025-02-08", "specialist": "2025-03-01"}
    )
    _stay(b, world, "2025-12-20", "2025-12-28", {"medical": "2025-12-30"})

    _opinion(a, world, at("2025-04-01", 10), 24)
    _opinion(a, world, at("2024-12-30", 10), 72)
    _opinion(b, world, at("2025-10-01", 8), 6)
    _opinion(c, world, at("2025-02-01", 8), None)

    _envelope(
        a,
        "2025-06-01",
        "1000.00",
        [("diététique", "200.00", "2025-09-10"), ("diététique", "50.00", "2026-01-05")],
    )
    _envelope(b, "2025-07-02", "800.00", [("psychologue", "100.00", "2025-11-01")])
    _envelope(c, "2024-01-01", "500.00", [("psychologue", "70.00", "2024-06-01")])
    # The SICs were written held before their contributions: what each was prepared with, as
    # recording it held would have kept.
    Sic.objects.filter(patient__in=[a, b, c, outside]).record_prepared()
    return Cohort(a=a, b=b, c=c, outside=outside, g1=g1, g2=g2, nurse=nurse)
