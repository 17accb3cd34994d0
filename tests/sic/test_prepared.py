"""A SIC recorded as held keeps what it was prepared with (`Sic.prepared`): the kinds of
contribution submitted by the moment it was held, which the indicators read. A draft, or a
contribution submitted after the SIC took place, does not count; the migration writes the same
for the SICs held before it."""

from __future__ import annotations

import datetime
import importlib

from django.apps import apps
from django.utils import timezone

from programme.indicators import INDICATOR_OF, Filters, cohort
from sic.models import KIND_BIT, Contribution, ContributionKind, ContributionStatus, Sic
from sic.services import sic_ensure_planned, sic_schedule
from tests.conftest import World
from tests.factories import hold, started

K = ContributionKind


def written(sic: Sic, kind: str, author, *, submitted_at: datetime.datetime | None) -> None:
    Contribution.objects.create(
        sic=sic,
        kind=kind,
        author=author,
        entered_by=author,
        status=ContributionStatus.SUBMITTED if submitted_at else ContributionStatus.DRAFT,
        submitted_at=submitted_at,
        content={"history": "x"},
    )


def test_a_sic_held_keeps_the_kinds_submitted_before_it_took_place(world: World) -> None:
    sic = sic_ensure_planned(patient=world.own)
    assert sic is not None
    sic = started(
        sic_schedule(sic=sic, at=timezone.now() + datetime.timedelta(days=1)),
        ago=datetime.timedelta(hours=3),
    )
    took_place = sic.scheduled_at
    assert took_place is not None
    written(sic, K.GP_SUMMARY, world.gp, submitted_at=took_place - datetime.timedelta(days=2))
    written(sic, K.MEDICATION_REVIEW, world.pharmacist, submitted_at=took_place)
    written(sic, K.NURSING_ASSESSMENT, world.nurse, submitted_at=None)  # a draft
    # Sent an hour after the SIC took place, before it was recorded: too late for it.
    written(
        sic,
        K.SPECIALIST_OPINION,
        world.specialist,
        submitted_at=took_place + datetime.timedelta(hours=1),
    )
    other = sic_ensure_planned(patient=world.other)
    assert other is not None

    held = hold(sic, by=world.coordinator, held_at=took_place)

    before = KIND_BIT[K.GP_SUMMARY] | KIND_BIT[K.MEDICATION_REVIEW]
    assert held.prepared == before
    assert Sic.objects.get(pk=sic.pk).prepared == before
    assert Sic.objects.get(pk=other.pk).prepared == 0  # not held: nothing written
    # The indicators read it: the GP's summary was there, the nurse's assessment was not.
    year = Filters.default()
    patients = cohort(world.admin, year)
    gp = INDICATOR_OF["contribution_gp_summary"].figure(patients, year)
    nurse = INDICATOR_OF["contribution_nursing_assessment"].figure(patients, year)
    assert (gp.numerator, gp.denominator) == (1, 1)
    assert (nurse.numerator, nurse.denominator) == (0, 1)

    # The migration writes the same for a SIC held before it, and leaves an open one alone.
    Sic.objects.update(prepared=0)
    migration = importlib.import_module("sic.migrations.0006_sic_prepared")
    migration.write_prepared(apps, None)
    assert Sic.objects.get(pk=sic.pk).prepared == before
    assert Sic.objects.get(pk=other.pk).prepared == 0


def test_each_kind_of_contribution_has_its_own_bit() -> None:
    bits = [KIND_BIT[kind] for kind in ContributionKind]  # a kind without a bit: KeyError
    assert len(set(bits)) == len(bits)
    assert all(bit > 0 and bit & (bit - 1) == 0 for bit in bits)  # one bit each
    assert sum(bits) <= 32767  # what a PositiveSmallIntegerField holds
