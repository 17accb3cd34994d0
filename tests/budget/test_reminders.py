"""What the envelopes remind people of, with a frozen clock on both sides of each threshold:
who is told, when, once; and the requests of an ended year expire."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core import mail

from budget.models import BudgetEnvelope, CareRequestStatus, SupplementaryCare
from budget.services import (
    expense_record,
    supplementary_care_approve,
    supplementary_care_expire_due,
)
from teams.models import Membership
from tests.conftest import World
from tests.factories import approved_request, care_request, envelope_of, full_team
from tests.reminders.conftest import frozen, moment, outbox_to, recipients, rows, sweep_at


def requested_at(request: SupplementaryCare, when: datetime.datetime) -> None:
    SupplementaryCare.objects.filter(pk=request.pk).update(requested_at=when)


def approved_at(request: SupplementaryCare, when: datetime.datetime) -> None:
    SupplementaryCare.objects.filter(pk=request.pk).update(requested_at=when, decided_at=when)


# --- A request waiting for the coordinator for more than 7 days -----------------------------


def test_a_request_waiting_more_than_seven_days_goes_to_the_coordinator_once(
    world: World,
) -> None:
    envelope_of(world.own)
    requested_at(care_request(world), moment(0, 9))
    sweep_at(moment(7, 8))  # 6 days and 23 hours
    assert rows("care_waiting") == []
    sweep_at(moment(7, 10))
    assert recipients("care_waiting") == [world.coordinator.email]
    sweep_at(moment(8))
    sweep_at(moment(20))
    assert len(rows("care_waiting")) == 1


def test_a_decided_request_is_not_reminded(world: World) -> None:
    envelope_of(world.own)
    request = care_request(world)
    requested_at(request, moment(0))
    supplementary_care_approve(request=request, by=world.coordinator)
    sweep_at(moment(10))
    assert rows("care_waiting") == []


def test_a_coordinator_whose_account_is_closed_is_not_reminded(world: World) -> None:
    envelope_of(world.own)
    requested_at(care_request(world), moment(0))
    world.coordinator.is_active = False
    world.coordinator.save(update_fields=["is_active"])
    sweep_at(moment(10))
    assert rows("care_waiting") == []


def test_the_e_mail_carries_the_initials_and_a_link_only(
    world: World, django_capture_on_commit_callbacks
) -> None:
    full_team(world.other)  # else the other patient's team is reminded to the coordinator too
    envelope_of(world.own)
    with django_capture_on_commit_callbacks(execute=True):  # the request told at once
        requested_at(care_request(world), moment(0))
    mail.outbox.clear()
    sweep_at(moment(10))
    (message,) = outbox_to(world.coordinator.email)
    assert world.own.initials in message.subject
    assert f"/patients/{world.own.pk}/" in message.body
    for text in (message.subject, message.body, message.alternatives[0][0]):  # type: ignore[attr-defined]
        for word in (world.own.last_name, world.own.first_name, "diététicien", "€"):
            assert word not in text


# --- An envelope committed or spent at 80 % -------------------------------------------------


def test_an_envelope_used_at_eighty_percent_goes_to_the_coordinator_once(world: World) -> None:
    envelope = envelope_of(world.own, "1000.00")
    request = approved_request(world, sessions=7, unit_price="100.00")  # 700 committed
    sweep_at(moment(0))
    assert rows("envelope_nearly_used") == []
    # Committed counts with spent: 700 spent + 100 committed is 80 %.
    expense_record(
        request=request,
        by=world.coordinator,
        sessions=7,
        date=moment(0).date(),
        amount=Decimal("700.00"),
    )
    approved_request(world, sessions=1, unit_price="100.00")
    sweep_at(moment(1))
    assert recipients("envelope_nearly_used") == [world.coordinator.email]
    (row,) = rows("envelope_nearly_used")
    assert row.context == {"date": envelope.ends_on.isoformat()}
    approved_request(world, sessions=1, unit_price="100.00")
    sweep_at(moment(2))
    assert len(rows("envelope_nearly_used")) == 1


def test_an_envelope_below_the_threshold_or_of_an_ended_year_is_not_reminded(
    world: World,
) -> None:
    envelope = envelope_of(world.own, "1000.00")
    approved_request(world, sessions=79, unit_price="10.00")
    sweep_at(moment(0))
    assert rows("envelope_nearly_used") == []
    approved_request(world, sessions=1, unit_price="10.00")
    ended = datetime.datetime.combine(envelope.ends_on, datetime.time(9), tzinfo=moment(0).tzinfo)
    sweep_at(ended)
    assert rows("envelope_nearly_used") == []


def test_an_envelope_without_money_is_not_reminded(world: World) -> None:
    envelope_of(world.own, "0.00")
    sweep_at(moment(0))
    assert rows("envelope_nearly_used") == []


# --- An approved request without any session after 90 days ---------------------------------


def test_an_approved_request_unused_for_ninety_days_goes_to_its_prescriber_once(
    world: World,
) -> None:
    envelope_of(world.own)
    approved_at(approved_request(world, by=world.nurse), moment(0))
    sweep_at(moment(89))
    assert rows("care_unused") == []
    sweep_at(moment(91))
    assert recipients("care_unused") == [world.nurse.email]
    sweep_at(moment(120))
    assert len(rows("care_unused")) == 1


def test_a_request_with_a_session_recorded_is_not_reminded(world: World) -> None:
    envelope_of(world.own)
    request = approved_request(world)
    expense_record(
        request=request,
        by=world.coordinator,
        sessions=1,
        date=moment(0).date(),
        amount=Decimal("50.00"),
    )
    approved_at(request, moment(0))
    sweep_at(moment(91))
    assert rows("care_unused") == []


def test_a_prescriber_who_left_the_team_is_not_told_the_coordinator_is(world: World) -> None:
    envelope_of(world.own)
    approved_at(approved_request(world, by=world.nurse), moment(0))
    Membership.objects.get(professional__user=world.nurse, left_at__isnull=True).leave()
    sweep_at(moment(91))
    assert recipients("care_unused") == [world.coordinator.email]


# --- Requests of an ended year expire -------------------------------------------------------


def remaining(envelope: BudgetEnvelope) -> Decimal:
    return BudgetEnvelope.objects.with_balances().get(pk=envelope.pk).remaining  # type: ignore[attr-defined]


def test_the_requests_still_open_when_the_year_ends_expire_once(world: World) -> None:
    envelope = envelope_of(world.own, "1000.00")
    waiting = care_request(world, sessions=2)
    approved = approved_request(world, sessions=6, unit_price="50.00")  # 300 committed
    expense_record(
        request=approved,
        by=world.coordinator,
        sessions=2,
        date=moment(0).date(),
        amount=Decimal("100.00"),
    )
    assert remaining(envelope) == Decimal("700.00")
    last_day = envelope.ends_on - datetime.timedelta(days=1)
    assert supplementary_care_expire_due(last_day) == 0
    assert supplementary_care_expire_due(envelope.ends_on) == 2
    assert supplementary_care_expire_due(envelope.ends_on) == 0
    for request in (waiting, approved):
        request.refresh_from_db()
        assert request.status == CareRequestStatus.EXPIRED
    # What the approved request still held (200) is back; what was spent stays spent.
    assert remaining(envelope) == Decimal("900.00")


def test_beat_expires_the_requests_before_the_envelopes_open(world: World, settings) -> None:
    from labparcours.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["budget-expire-requests"]
    opening = settings.CELERY_BEAT_SCHEDULE["budget-open-envelopes"]
    assert entry["task"] == "budget.tasks.expire_past_requests"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == opening["schedule"].hour
    assert max(entry["schedule"].minute) < min(opening["schedule"].minute)
    envelope = envelope_of(world.own)
    approved_request(world)
    assert app.tasks[entry["task"]].apply().get() == 0
    with frozen(datetime.datetime.combine(envelope.ends_on, datetime.time(5, 5), moment().tzinfo)):
        assert app.tasks[entry["task"]].apply().get() == 1


def test_nothing_is_reminded_about_a_patient_who_left_the_programme(world: World) -> None:
    envelope_of(world.own, "100.00")
    requested_at(care_request(world, sessions=1, unit_price="10.00"), moment(0))
    approved_at(approved_request(world, sessions=9, unit_price="10.00", by=world.nurse), moment(0))
    world.own.exit(reason="moved", on=moment(0).date())
    sweep_at(moment(100))
    for kind in ("care_waiting", "envelope_nearly_used", "care_unused"):
        assert rows(kind) == [], kind
