"""The next SIC is always due from the last one actually held: two a year."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from labparcours.errors import InvalidTransition
from patients.models import PatientStatus
from sic.models import Sic, SicStatus, add_months, next_due_date
from sic.services import sic_cancel, sic_ensure_planned, sic_hold, sic_schedule
from tests.factories import PatientFactory

TZ = timezone.get_default_timezone()


def at(year: int, month: int, day: int, hour: int = 14) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def hold(sic: Sic, when: datetime.datetime) -> Sic:
    with time_machine.travel(when - datetime.timedelta(days=1)):
        sic_schedule(sic=sic, at=when)
    return sic_hold(
        sic=sic,
        by=sic.patient.coordinator,
        minutes="ok",
        patient_present=True,
        caregiver_present=False,
        present_memberships=[],
        decisions=[],
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 1, 15), 6, datetime.date(2025, 7, 15)),
        (datetime.date(2025, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2025, 12, 1), 1, datetime.date(2026, 1, 1)),
    ],
)
def test_months_are_added_as_a_calendar_would(day, months, expected) -> None:
    assert add_months(day, months) == expected


def test_the_first_sic_is_due_six_weeks_after_inclusion(db) -> None:
    patient = PatientFactory(inclusion_date=datetime.date(2025, 1, 10))
    assert sic_ensure_planned(patient=patient).due_date == datetime.date(2025, 2, 21)


def test_the_delay_is_a_setting(db, settings) -> None:
    settings.LABPARCOURS_FIRST_SIC_DELAY_DAYS = 28
    patient = PatientFactory(inclusion_date=datetime.date(2025, 1, 10))
    assert next_due_date(patient) == datetime.date(2025, 2, 7)


def test_two_sics_a_year_over_three_years_even_when_late(db) -> None:
    patient = PatientFactory(inclusion_date=datetime.date(2025, 1, 10))
    sic = sic_ensure_planned(patient=patient)
    assert sic.due_date == datetime.date(2025, 2, 21)
    hold(sic, at(2025, 2, 20))
    second = Sic.objects.open().get(patient=patient)
    assert second.due_date == datetime.date(2025, 8, 20)
    # Held two months late: the next one is due six months after it was actually held.
    hold(second, at(2025, 10, 22))
    third = Sic.objects.open().get(patient=patient)
    assert third.due_date == datetime.date(2026, 4, 22)
    hold(third, at(2026, 4, 15))
    fourth = Sic.objects.open().get(patient=patient)
    assert fourth.due_date == datetime.date(2026, 10, 15)
    hold(fourth, at(2026, 10, 1))
    assert Sic.objects.open().get(patient=patient).due_date == datetime.date(2027, 4, 1)
    held = Sic.objects.filter(patient=patient, status=SicStatus.HELD)
    assert held.count() == 4


def test_a_cancelled_sic_leaves_the_next_one_due_at_the_same_date(db) -> None:
    patient = PatientFactory(inclusion_date=datetime.date(2025, 1, 10))
    sic = sic_ensure_planned(patient=patient)
    with time_machine.travel(at(2025, 2, 1)):
        sic_schedule(sic=sic, at=at(2025, 2, 18))
        sic_cancel(sic=sic, reason="Hospitalisation")
    replacement = Sic.objects.open().get(patient=patient)
    assert replacement.pk != sic.pk
    assert replacement.due_date == datetime.date(2025, 2, 21)
    assert replacement.status == SicStatus.PLANNED


def test_an_overdue_sic_is_flagged(db) -> None:
    patient = PatientFactory(inclusion_date=datetime.date(2025, 1, 10))
    sic = sic_ensure_planned(patient=patient)
    with time_machine.travel(at(2025, 2, 21, 9)):
        assert not Sic.objects.overdue().exists()
    with time_machine.travel(at(2025, 2, 22, 9)):
        assert list(Sic.objects.overdue()) == [sic]
        assert sic.is_overdue


def test_no_sic_is_planned_for_a_candidate(db) -> None:
    patient = PatientFactory(status=PatientStatus.CANDIDATE, inclusion_date=None)
    assert sic_ensure_planned(patient=patient) is None


def test_a_patient_has_one_open_sic_at_a_time(db) -> None:
    from django.db import IntegrityError

    patient = PatientFactory()
    sic_ensure_planned(patient=patient)
    with pytest.raises(IntegrityError):
        Sic.objects.create(patient=patient, due_date=datetime.date(2030, 1, 1))


def test_the_state_machine_refuses_illegal_moves(db) -> None:
    patient = PatientFactory()
    sic = sic_ensure_planned(patient=patient)
    with pytest.raises(
        InvalidTransition, match="Seule une SIC programmée peut être enregistrée comme réalisée"
    ):
        sic.hold(minutes="x", patient_present=True)
    with pytest.raises(InvalidTransition):
        sic.cancel(reason="   ")
    sic.cancel(reason="Déménagement")
    with pytest.raises(InvalidTransition):
        sic.schedule(at=timezone.now() + datetime.timedelta(days=3))
    with pytest.raises(InvalidTransition):
        sic.cancel(reason="encore")
