"""Helpers of the reminder tests: a clock frozen at a day relative to today, a sweep run at
that moment, and what the ledger and the outbox hold."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from reminders.models import Reminder
from reminders.sweep import SweepResult, reminders_sweep
from tests.conftest import World
from tests.factories import full_team

PARIS = ZoneInfo("Europe/Paris")


_today: list[datetime.date] = []


@pytest.fixture(autouse=True)
def _anchor_today() -> None:
    """`moment` counts from the real today, even while the clock is moved."""
    _today[:] = [timezone.localdate()]


def moment(days: int = 0, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """`days` after (the real) today, at `hour` in Paris."""
    day = (_today[0] if _today else timezone.localdate()) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def frozen(when: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(when, tick=False)


def sweep_at(when: datetime.datetime, *, inline: bool = True) -> SweepResult:
    """A sweep at that moment, sending in this process like `manage.py send_reminders`."""
    with frozen(when):
        return reminders_sweep(inline=inline)


def rows(kind: str, **filters: object) -> list[Reminder]:
    return list(
        Reminder.objects.filter(kind=kind, **filters)
        .select_related("recipient")
        .order_by("recipient__email", "cycle")
    )


def recipients(kind: str, **filters: object) -> list[str]:
    return [r.recipient.email for r in rows(kind, **filters)]


def outbox_to(email: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if email in m.to]


@pytest.fixture
def quiet_world(world: World) -> World:
    """The world without the other patient's incomplete team, which the team rule would
    report in every sweep."""
    full_team(world.other)
    return world
