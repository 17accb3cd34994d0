"""The specialist is told when asked; the asker and the team when answered; the deadline
coming reminds the specialist, the deadline passed tells the coordinator; answering or closing
resolves what waited. E-mails carry initials and a link, never the question or the answer."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from opinions.models import OpinionRequest
from opinions.services import opinion_answer, opinion_close
from tests.bell import assert_initials_only, kinds, reminder_mails_to, unread
from tests.conftest import World
from tests.factories import full_team
from tests.opinions.builders import asked, outside_specialist
from tests.reminders.conftest import frozen, moment, outbox_to, recipients, rows, sweep_at

ANSWER = "Monter par paliers de 2,5 mg toutes les 2 semaines."


@pytest.fixture(autouse=True)
def _quiet(world: World) -> None:
    """The other patient's team complete: the team rule reports nothing in the sweeps."""
    full_team(world.other)


@pytest.fixture
def outsider(world: World):
    return outside_specialist()


@pytest.fixture
def opinion(world: World, outsider, committed) -> OpinionRequest:
    return committed(lambda: asked(world, outsider))


def assert_no_content(message: mail.EmailMessage) -> None:
    html = message.alternatives[0][0] if getattr(message, "alternatives", None) else ""
    for text in (message.subject, message.body, html):
        for word in ("bêtabloquant", "paliers", "Cardiolog", "cardiolog"):
            assert word not in text


def test_the_specialist_is_told_at_once_with_initials_and_a_link(
    world: World, outsider, opinion
) -> None:
    (notification,) = unread(outsider, "opinion_asked")
    assert notification.reminder.link == f"/avis/{opinion.pk}/"
    (message,) = reminder_mails_to(outsider)
    assert_initials_only(message, world.own)
    assert_no_content(message)
    assert f"/avis/{opinion.pk}/" in message.body
    for user in (world.gp, world.nurse, world.coordinator, world.patient_user):
        assert "opinion_asked" not in kinds(user)


def test_the_answer_tells_the_asker_and_the_team_not_the_specialist(
    world: World, outsider, opinion, committed
) -> None:
    mail.outbox.clear()
    committed(lambda: opinion_answer(request=opinion, by=outsider, answer=ANSWER))
    assert unread(outsider, "opinion_asked") == []  # resolved
    for user in (world.gp, world.nurse, world.pharmacist, world.specialist):
        (notification,) = unread(user, "opinion_answered")
        assert notification.reminder.link == f"/avis/{opinion.pk}/"
        (message,) = reminder_mails_to(user)
        assert_initials_only(message, world.own)
        assert_no_content(message)
    for user in (outsider, world.former_member, world.patient_user, world.caregiver_user):
        assert "opinion_answered" not in kinds(user)


def test_the_coordinator_who_asked_is_told_of_the_answer(world: World, outsider, committed) -> None:
    opinion = committed(lambda: asked(world, outsider, by=world.coordinator))
    committed(lambda: opinion_answer(request=opinion, by=outsider, answer=ANSWER))
    assert len(unread(world.coordinator, "opinion_answered")) == 1


# --- The deadline, with a frozen clock ----------------------------------------------------------


def asked_at(world: World, specialist, when: datetime.datetime, urgency: str = "48h"):
    with frozen(when):
        return asked(world, specialist, urgency=urgency)


def test_the_specialist_is_reminded_24_hours_before_the_deadline_once(
    world: World, outsider
) -> None:
    asked_at(world, outsider, moment(0, 9), urgency="48h")  # due in 2 days at 9:00
    sweep_at(moment(1, 8, 59))
    assert rows("opinion_due_soon") == []
    sweep_at(moment(1, 9))
    assert recipients("opinion_due_soon") == [outsider.email]
    sweep_at(moment(1, 15))
    assert len(rows("opinion_due_soon")) == 1
    (message,) = [m for m in outbox_to(outsider.email) if "à rendre" in m.subject]
    assert_initials_only(message, world.own)
    assert_no_content(message)


def test_a_seven_day_request_is_reminded_the_day_before_its_deadline(
    world: World, outsider
) -> None:
    asked_at(world, outsider, moment(0, 10), urgency="7d")
    sweep_at(moment(5, 12))
    assert rows("opinion_due_soon") == []
    sweep_at(moment(6, 10))
    assert recipients("opinion_due_soon") == [outsider.email]


def test_past_the_deadline_the_coordinator_is_told_once(world: World, outsider) -> None:
    asked_at(world, outsider, moment(0, 9), urgency="48h")
    sweep_at(moment(2, 8, 59))
    assert rows("opinion_overdue") == []
    sweep_at(moment(2, 9))
    assert recipients("opinion_overdue") == [world.coordinator.email]
    sweep_at(moment(3, 9))
    sweep_at(moment(9, 9))
    assert len(rows("opinion_overdue")) == 1
    (message,) = [m for m in outbox_to(world.coordinator.email) if world.own.initials in m.subject]
    assert_initials_only(message, world.own)
    assert_no_content(message)


def test_an_answer_before_the_deadline_stops_the_reminders(world: World, outsider) -> None:
    opinion = asked_at(world, outsider, moment(0, 9), urgency="48h")
    with frozen(moment(1, 10)):
        opinion_answer(request=opinion, by=outsider, answer=ANSWER)
    sweep_at(moment(1, 11))
    sweep_at(moment(3, 9))
    assert rows("opinion_due_soon") == []
    assert rows("opinion_overdue") == []


def test_the_answer_resolves_the_coordinators_escalation(world: World, outsider) -> None:
    opinion = asked_at(world, outsider, moment(0, 9), urgency="48h")
    sweep_at(moment(2, 10))
    assert unread(world.coordinator, "opinion_overdue")
    with frozen(moment(2, 11)):
        opinion_answer(request=opinion, by=outsider, answer=ANSWER)
    assert unread(world.coordinator, "opinion_overdue") == []


def test_a_withdrawn_request_is_not_reminded(world: World, outsider) -> None:
    opinion = asked_at(world, outsider, moment(0, 9), urgency="48h")
    with frozen(moment(0, 10)):
        opinion_close(request=opinion, by=world.gp)
    assert unread(outsider, "opinion_asked") == []
    sweep_at(moment(1, 10))
    sweep_at(moment(3, 10))
    assert rows("opinion_due_soon") == []
    assert rows("opinion_overdue") == []


def test_time_to_answer_is_recorded_and_shown(world: World, outsider) -> None:
    from tests.conftest import client_for

    opinion = asked_at(world, outsider, moment(0, 9), urgency="48h")
    with frozen(moment(1, 5)):
        opinion_answer(request=opinion, by=outsider, answer=ANSWER)
    opinion.refresh_from_db()
    assert opinion.time_to_answer == datetime.timedelta(hours=20)
    page = client_for(world.gp).get(f"/avis/{opinion.pk}/").content.decode()
    assert "répondu en 20 h" in page.lower()
    api = client_for(world.gp).get(f"/api/v1/opinion-requests/{opinion.pk}/").json()
    assert api["time_to_answer_hours"] == 20.0
