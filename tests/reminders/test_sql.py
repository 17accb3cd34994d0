"""The rules written by the database write the same keys, links and contexts as Python did
(`str(uuid)`, `date.isoformat()`, `localtime(…).isoformat()`, `reverse`): a reminder already
in the ledger is recognised by the next sweep, never sent a second time. On SQLite and on
PostgreSQL alike."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from careplans.models import CarePlan
from patients.models import Patient
from reminders.sql import DaysSince, LocalISO, UUIDText, page_sql, text
from tests.conftest import World

# Winter and summer time, the hours around the change, microseconds dropped.
MOMENTS = [
    datetime.datetime(2026, 1, 15, 23, 30, 5, 123456, tzinfo=datetime.UTC),
    datetime.datetime(2026, 7, 15, 22, 30, 5, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 29, 0, 59, 59, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 29, 1, 0, 0, tzinfo=datetime.UTC),
    datetime.datetime(2026, 10, 25, 0, 30, 0, tzinfo=datetime.UTC),
    datetime.datetime(2026, 10, 25, 1, 30, 0, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("when", MOMENTS)
def test_a_moment_is_written_in_local_time_as_python_writes_it(world: World, when) -> None:
    plan = CarePlan.objects.create(
        patient=world.own, version=9, created_by=world.coordinator, proposed_at=when
    )
    written = CarePlan.objects.filter(pk=plan.pk).values_list(
        LocalISO("proposed_at"), text(TruncDate("proposed_at"))
    )
    local = timezone.localtime(when)
    assert written.get() == (local.isoformat(timespec="seconds"), local.date().isoformat())


def test_keys_links_and_days_are_written_as_python_writes_them(world: World) -> None:
    today = timezone.localdate()
    patient = Patient.objects.filter(pk=world.own.pk)
    written = patient.values_list(
        UUIDText("pk"),
        text("inclusion_date"),
        DaysSince(today, "inclusion_date"),
        page_sql("teams:team", (uuid.UUID, UUIDText("pk"))),
    )
    own = world.own
    assert written.get() == (
        str(own.pk),
        own.inclusion_date.isoformat(),
        (today - own.inclusion_date).days,
        reverse("teams:team", args=[own.pk]),
    )
