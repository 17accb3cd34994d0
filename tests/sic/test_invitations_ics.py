"""Scheduling sends each member and the patient an invitation with a valid calendar file."""

import datetime
from zoneinfo import ZoneInfo

from django.core import mail
from icalendar import Calendar

from patients.models import ConsentKind
from sic.ics import sic_calendar
from sic.services import sic_cancel, sic_ensure_planned, sic_schedule
from tests.conftest import World, soon


def schedule(world: World, capture, days: int = 10):
    with capture(execute=True):
        return sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(days, 14))


def event_of(ics: bytes):
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_the_calendar_parses_with_the_paris_time_zone(world: World) -> None:
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(10, 14))
    calendar, event = event_of(sic_calendar(sic))
    assert calendar["METHOD"] == "REQUEST"
    start = event.decoded("DTSTART")
    assert start.tzinfo.key == "Europe/Paris"
    assert (start.hour, start.minute) == (14, 0)
    assert event.decoded("DTEND") - start == datetime.timedelta(minutes=20)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    assert start.astimezone(ZoneInfo("UTC")) == sic.scheduled_at
    assert str(event["UID"]) == f"{sic.uid}@labparcours"
    # Initials only: no name of the patient in a calendar.
    assert world.own.last_name not in sic_calendar(sic).decode()


def test_rescheduling_keeps_the_uid_and_raises_the_sequence(world: World) -> None:
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(10))
    _, first = event_of(sic_calendar(sic))
    sic = sic_schedule(sic=sic, at=soon(12))
    _, second = event_of(sic_calendar(sic))
    assert first["UID"] == second["UID"]
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert sic.history.count() >= 3  # planned, scheduled, rescheduled


def test_cancelling_sends_a_cancelled_event(
    world: World, django_capture_on_commit_callbacks
) -> None:
    sic = schedule(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sic_cancel(sic=sic, reason="Hospitalisation")
    calendar, event = event_of(
        mail.outbox[0].attachments[0][1].encode()
        if isinstance(mail.outbox[0].attachments[0][1], str)
        else mail.outbox[0].attachments[0][1]
    )
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == f"{sic.uid}@labparcours"


def test_every_member_the_patient_and_the_caregiver_are_invited(
    world: World, django_capture_on_commit_callbacks
) -> None:
    schedule(world, django_capture_on_commit_callbacks)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [
            world.gp.email,
            world.nurse.email,
            world.pharmacist.email,
            world.specialist.email,
            world.patient_user.email,
            world.caregiver_user.email,
        ]
    )
    message = mail.outbox[0]
    assert message.attachments[0][0] == "sic.ics"
    assert "method=REQUEST" in message.attachments[0][2]
    body = message.body
    assert world.own.last_name not in body
    assert world.own.initials in body
    assert "/sic/" in body


def test_a_patient_who_declined_to_attend_sics_is_not_invited(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.own.consents.get(kind=ConsentKind.SIC_ATTENDANCE).withdraw()
    schedule(world, django_capture_on_commit_callbacks)
    recipients = {m.to[0] for m in mail.outbox}
    assert world.patient_user.email not in recipients
    assert world.gp.email in recipients


def test_a_video_link_is_generated_unguessable_and_replaceable(world: World) -> None:
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon())
    prefix = "https://meet.jit.si/labparcours-"
    assert sic.video_url.startswith(prefix)
    assert len(sic.video_url) - len(prefix) >= 20  # an unguessable room name
    other = sic_schedule(sic=sic, at=soon(11), video_url="https://visio.chu-lille.fr/salle-12")
    assert other.video_url == "https://visio.chu-lille.fr/salle-12"


def test_a_failed_invitation_is_retried_for_its_recipient_only(
    world: World, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from django.core.mail.message import EmailMessage

    from sic.tasks import send_sic_invitation

    sent = EmailMessage.send
    failing = {world.nurse.email}

    def flaky(self, fail_silently=False):
        if self.to[0] in failing:
            failing.clear()  # the mail server refuses once
            raise ConnectionRefusedError("SMTP down")
        return sent(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    monkeypatch.setattr(send_sic_invitation, "max_retries", 1)
    schedule(world, django_capture_on_commit_callbacks)
    recipients = [m.to[0] for m in mail.outbox]
    assert sorted(recipients) == sorted(set(recipients))  # nobody got it twice
    assert world.nurse.email in recipients  # the retry reached the nurse


def test_an_outdated_invitation_is_not_sent(world: World) -> None:
    from sic.notifications import send_sic_invitation_now

    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(10))
    first_sequence = sic.ics_sequence
    sic_schedule(sic=sic, at=soon(12))
    assert send_sic_invitation_now(sic.pk, world.gp.email, first_sequence) is False
    assert mail.outbox == []
    assert send_sic_invitation_now(sic.pk, world.gp.email, first_sequence + 1) is True
    assert len(mail.outbox) == 1
