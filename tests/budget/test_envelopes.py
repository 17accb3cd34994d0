"""Envelopes open at inclusion and on each anniversary, with the rate in force that day."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from budget.models import BudgetEnvelope, BudgetRate
from budget.services import envelope_open, envelopes_open_due, programme_year
from patients.models import PatientStatus
from programme.workflows import patient_include
from tests.conftest import World
from tests.factories import PatientFactory, approved_request, budget_rate

pytestmark = pytest.mark.django_db
CHANGE = datetime.date(2026, 1, 1)


@pytest.fixture
def rates() -> None:
    """The IC rate changes on 1 January 2026: 800 € until the day before, then 900 €."""
    budget_rate("ic", "800.00", datetime.date(2024, 1, 1), valid_to=CHANGE - datetime.timedelta(1))
    budget_rate("ic", "900.00", CHANGE)


@pytest.mark.parametrize(
    ("included_on", "amount"),
    [
        (CHANGE - datetime.timedelta(days=1), "800.00"),
        (CHANGE, "900.00"),
        (CHANGE + datetime.timedelta(days=1), "900.00"),
    ],
)
def test_an_envelope_freezes_the_rate_in_force_on_its_first_day(
    world: World, rates: None, included_on: datetime.date, amount: str
) -> None:
    patient = PatientFactory(inclusion_date=included_on)
    envelope = envelope_open(patient=patient, year=1)
    assert envelope.amount == Decimal(amount)
    with_balances = BudgetEnvelope.objects.with_balances().get(pk=envelope.pk)
    assert with_balances.allotted == Decimal(amount)  # type: ignore[attr-defined]


def test_a_later_rate_does_not_change_an_open_envelope(world: World) -> None:
    rate = budget_rate("ic", "800.00", datetime.date(2024, 1, 1))
    envelope = envelope_open(patient=world.own, year=1)
    rate.valid_to = timezone.localdate()
    rate.save()
    budget_rate("ic", "2000.00", timezone.localdate() + datetime.timedelta(days=1))
    envelope.refresh_from_db()
    assert envelope.amount == Decimal("800.00")


def test_it_refuses_overlapping_rates_of_a_pathway(world: World, rates: None) -> None:
    overlapping = BudgetRate(
        pathway="ic", amount=Decimal("1"), valid_from=datetime.date(2025, 6, 1)
    )
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    other_pathway = BudgetRate(
        pathway="dt2", amount=Decimal("1"), valid_from=datetime.date(2025, 6, 1)
    )
    other_pathway.full_clean()


def test_inclusion_opens_the_first_envelope(world: World) -> None:
    budget_rate("ic", "750.00", datetime.date(2024, 1, 1))
    candidate = PatientFactory(status=PatientStatus.CANDIDATE, inclusion_date=None)
    patient_include(patient=candidate, on=datetime.date(2026, 2, 10))
    envelope = BudgetEnvelope.objects.get(patient=candidate)
    assert (envelope.year, envelope.starts_on, envelope.ends_on, envelope.amount) == (
        1,
        datetime.date(2026, 2, 10),
        datetime.date(2027, 2, 10),
        Decimal("750.00"),
    )


def test_the_anniversary_job_run_twice_opens_one_envelope(world: World) -> None:
    budget_rate("ic", "750.00", datetime.date(2020, 1, 1))
    patient = PatientFactory(inclusion_date=datetime.date(2025, 3, 15))
    envelope_open(patient=patient, year=1)
    eve, anniversary = datetime.date(2026, 3, 14), datetime.date(2026, 3, 15)

    envelopes_open_due(eve)
    assert not BudgetEnvelope.objects.filter(patient=patient, year=2).exists()
    envelopes_open_due(anniversary)
    envelopes_open_due(anniversary)
    call_command("open_envelopes", today=anniversary)
    second = BudgetEnvelope.objects.get(patient=patient, year=2)
    assert (second.starts_on, second.ends_on) == (anniversary, datetime.date(2027, 3, 15))


def test_unspent_money_does_not_carry_over_unless_the_setting_says_so(
    world: World, settings
) -> None:
    budget_rate("ic", "1000.00", datetime.date(2020, 1, 1))
    first = envelope_open(patient=world.own, year=1)
    approved_request(world, sessions=4, unit_price="50.00")  # 200 committed, 800 left
    second = envelope_open(patient=world.own, year=2)
    assert BudgetEnvelope.objects.with_balances().get(pk=second.pk).allotted == Decimal("1000")  # type: ignore[attr-defined]

    settings.LABPARCOURS_BUDGET_CARRY_OVER = True
    third = envelope_open(patient=world.own, year=3)
    balances = BudgetEnvelope.objects.with_balances()
    assert balances.get(pk=third.pk).allotted == Decimal("2000.00")  # type: ignore[attr-defined]
    assert balances.get(pk=second.pk).remaining == Decimal("0.00")  # type: ignore[attr-defined]
    assert balances.get(pk=first.pk).remaining == Decimal("800.00")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("on", "year"),
    [
        (datetime.date(2025, 3, 15), 1),
        (datetime.date(2026, 3, 14), 1),
        (datetime.date(2026, 3, 15), 2),
        (datetime.date(2028, 2, 28), 3),
    ],
)
def test_programme_years_turn_on_the_anniversary(on: datetime.date, year: int) -> None:
    assert programme_year(datetime.date(2025, 3, 15), on) == year


def test_a_29_february_inclusion_turns_on_the_1_march() -> None:
    leap = datetime.date(2024, 2, 29)
    assert programme_year(leap, datetime.date(2025, 2, 28)) == 1
    assert programme_year(leap, datetime.date(2025, 3, 1)) == 2


def test_beat_opens_the_envelopes_once_a_day(world: World, settings) -> None:
    from labparcours.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["budget-open-envelopes"]
    assert entry["task"] == "budget.tasks.open_due_envelopes"
    assert entry["task"] in app.tasks
    assert len(entry["schedule"].hour) == 1
    budget_rate("ic", "750.00", datetime.date(2020, 1, 1))
    assert app.tasks[entry["task"]].apply().get() == 2  # the world's two patients
    assert app.tasks[entry["task"]].apply().get() == 0
