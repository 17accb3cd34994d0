"""What a reminder e-mail says: the patient's initials and a link to act on, in plain text
and HTML; never the patient's name nor any health detail."""

import re

import pytest
from django.core import mail

from reminders import registry
from reminders.models import Reminder
from reminders.sending import reminder_email
from sic.models import ContributionKind
from sic.services import sic_schedule
from tests.conftest import World
from tests.factories import planned_sic, proposed_plan
from tests.reminders.conftest import moment, outbox_to, sweep_at

# Words that would tell something of the patient's health or identity.
CLINICAL = re.compile(
    r"insuffisance|cardiaque|diab[eè]t|heart failure|\bIC\b|\bDT2\b|hospital|NYHA|HbA1c|"
    r"furos[eé]mide|insuline|stent",
    re.IGNORECASE,
)


def bodies(message: mail.EmailMultiAlternatives) -> list[str]:
    return [message.subject, message.body, message.alternatives[0][0]]


def assert_private(world: World, message: mail.EmailMultiAlternatives, patient=None) -> None:
    patient = patient or world.own
    for body in bodies(message):
        for word in (
            patient.last_name,
            patient.first_name,
            patient.nir,
            patient.city,
            patient.birth_date.strftime("%d/%m/%Y"),
            patient.birth_date.isoformat(),
        ):
            assert not word or word not in body
        assert not CLINICAL.search(body), CLINICAL.search(body)


@pytest.fixture
def scheduled(world: World):
    world.own.city = "Armentières"
    world.own.pathway = "ic_dt2"
    world.own.save()
    sic = sic_schedule(sic=planned_sic(world.own, due=moment(1).date()), at=moment(1, 14))
    mail.outbox.clear()
    return sic


def test_the_sic_tomorrow_e_mail_gives_initials_the_date_the_video_and_the_link(
    world: World, scheduled
) -> None:
    sweep_at(moment(0))
    (message,) = outbox_to(world.nurse.email)
    assert_private(world, message)
    text, html = message.body, message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert world.own.initials in text
    assert world.own.initials in html
    link = f"http://127.0.0.1:8000/sic/{scheduled.pk}/"
    assert link in text
    assert f'href="{link}"' in html
    assert scheduled.video_url in text
    assert scheduled.video_url in html
    assert "14:00" in text
    # Several reminders at once (the SIC tomorrow and the contribution): one e-mail, both in.
    assert f"/sic/{scheduled.pk}/contribution/nursing_assessment/" in text


def test_the_patient_side_e_mails_lead_to_their_own_pages(world: World, scheduled) -> None:
    sweep_at(moment(0))
    (message,) = outbox_to(world.patient_user.email)
    assert_private(world, message)
    assert "http://127.0.0.1:8000/mon-dossier/" in message.body
    assert f"/sic/{scheduled.pk}/contribution/patient_experience/" in message.body


def test_the_e_mails_are_in_french(world: World, scheduled) -> None:
    sweep_at(moment(0))
    (message,) = outbox_to(world.gp.email)
    assert message.body.startswith("Bonjour,")
    assert "Lab Parcours" in message.body


@pytest.mark.parametrize("kind", [kind.key for kind in registry.kinds()])
def test_no_kind_of_reminder_tells_a_health_detail(world: World, kind: str) -> None:
    context = {
        "date": "2026-03-12",
        "time": "14:00",
        "video_url": "https://meet.jit.si/labparcours-x",
        "contribution": ContributionKind.MEDICATION_REVIEW,
        "days": 14,
        "count": 2,
        "missing": ["nurse", "specialist"],
        "topic": "plan",
        "received": 3,
        "expected": 5,
        "contact": "medical",
        "medical": "2026-03-19",
        "specialist": "2026-05-11",
    }
    reminder = Reminder(
        kind=kind,
        recipient=world.gp,
        patient=world.own,
        target_key="x",
        cycle="y",
        link="/sic/1/",
        context=context,
    )
    message = reminder_email(world.gp, [reminder])
    assert_private(world, message)
    assert world.own.initials in message.subject
    assert world.own.initials in message.body
    assert "http://127.0.0.1:8000/sic/1/" in message.body


def test_the_coordinators_e_mails_carry_initials_only(world: World) -> None:
    proposed_plan(world, world.other, moment(-20))
    planned_sic(world.own, due=moment(-2).date())
    sweep_at(moment(0))
    (message,) = outbox_to(world.coordinator.email)
    assert_private(world, message)
    assert_private(world, message, world.other)
    kinds = set(Reminder.objects.filter(recipient=world.coordinator).values_list("kind"))
    assert len(kinds) == 3  # overdue SIC, unanswered plan, incomplete team: one e-mail
    assert "3" in message.subject
