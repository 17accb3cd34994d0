"""Reminders of the demo programme (see seed_demo): the first sweep, run at once, so that the
coordinator's bell already rings on first login (overdue SICs, a care plan left unanswered,
an incomplete team…). Idempotent, like every sweep."""

from __future__ import annotations

from labparcours.reminders import SweepResult, reminders_sweep


def seed_reminders() -> SweepResult:
    return reminders_sweep(inline=True)
