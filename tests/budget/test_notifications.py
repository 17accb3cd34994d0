"""A request of supplementary care reaches the coordinator when it is made, not a week later;
its decision reaches the prescriber; what the request asked leaves the lists once decided,
cancelled or started."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from budget.services import (
    expense_record,
    supplementary_care_approve,
    supplementary_care_cancel,
    supplementary_care_refuse,
)
from reminders.sweep import reminders_sweep
from tests.bell import assert_initials_only, kinds, outsider_coordinator, reminder_mails_to, unread
from tests.conftest import World
from tests.factories import care_request, envelope_of


@pytest.fixture
def requested(world: World, committed):
    envelope_of(world.own)
    return committed(lambda: care_request(world))


def test_a_request_tells_the_coordinator_at_once(world: World, requested) -> None:
    (notification,) = unread(world.coordinator, "care_requested")
    assert notification.reminder.link == "/soins-complementaires/a-valider/"
    (message,) = reminder_mails_to(world.coordinator)
    assert_initials_only(message, world.own)
    assert "diététicien" not in message.body
    for user in (outsider_coordinator(), world.gp, world.nurse, world.patient_user):
        assert "care_requested" not in kinds(user)


def test_a_request_of_the_coordinator_does_not_tell_herself(world: World, committed) -> None:
    envelope_of(world.own)
    committed(lambda: care_request(world, by=world.coordinator))
    assert "care_requested" not in kinds(world.coordinator)


def test_the_decision_tells_the_prescriber_and_closes_the_coordinators(
    world: World, requested, committed
) -> None:
    committed(lambda: supplementary_care_approve(request=requested, by=world.coordinator))
    assert unread(world.coordinator, "care_requested") == []
    (notification,) = unread(world.gp, "care_decided")
    assert notification.reminder.context == {"approved": True}
    (message,) = reminder_mails_to(world.gp)
    assert_initials_only(message, world.own)
    assert "accordés" in message.body


def test_a_refusal_tells_the_prescriber_too(world: World, requested, committed) -> None:
    committed(
        lambda: supplementary_care_refuse(request=requested, by=world.coordinator, reason="Non")
    )
    (notification,) = unread(world.gp, "care_decided")
    assert notification.reminder.context == {"approved": False}
    assert "Non" not in reminder_mails_to(world.gp)[0].body


def test_a_cancelled_request_leaves_the_coordinators_list(
    world: World, requested, committed
) -> None:
    committed(lambda: supplementary_care_cancel(request=requested, by=world.gp))
    assert unread(world.coordinator) == []


def test_the_first_sessions_resolve_the_reminder_of_an_unused_request(
    world: World, requested, committed
) -> None:
    approved = committed(
        lambda: supplementary_care_approve(request=requested, by=world.coordinator)
    )
    type(approved).objects.filter(pk=approved.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=100)
    )
    reminders_sweep(inline=True)
    assert unread(world.gp, "care_unused")
    committed(
        lambda: expense_record(
            request=approved,
            by=world.coordinator,
            sessions=1,
            date=timezone.localdate(),
            amount=approved.unit_price,
        )
    )
    assert unread(world.gp, "care_unused") == []
