"""E-mails: the subject and the plain-text part reach the reader as typed (no `&#x27;` or
`&amp;`); the HTML part stays escaped; the calendar file holds no HTML."""

import re
from pathlib import Path

from django.conf import settings
from django.core import mail
from icalendar import Calendar

from sic.services import sic_ensure_planned, sic_schedule
from tests.conftest import World, client_for, soon
from tests.factories import ProfessionalFactory

LINK = "https://visio.example.test/salle?nom=l'equipe&code=42"


def html_of(message: mail.EmailMultiAlternatives) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_a_sic_invitation_keeps_apostrophes_and_ampersands_in_its_text(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.own.first_name, world.own.last_name = "Marcel", "'t Hart"
    world.own.save()
    with django_capture_on_commit_callbacks(execute=True):
        sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(10), video_url=LINK)
    assert mail.outbox
    for message in mail.outbox:
        assert message.subject == "[Lab Parcours] Invitation à la SIC — M.'."
        assert f"Lien de visioconférence : {LINK}\n" in message.body
        assert "&#x27;" not in message.body
        assert "&amp;" not in message.body
        html = html_of(message)
        assert 'href="https://visio.example.test/salle?nom=l&#x27;equipe&amp;code=42"' in html
        assert "M.&#x27;." in html


def test_the_calendar_file_carries_the_link_intact_and_no_html(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(10), video_url=LINK)
    [(name, ics, mimetype)] = mail.outbox[0].attachments
    assert name == "sic.ics"
    raw = ics.encode()
    for html in (b"<", b">", b"&amp;", b"&#x27;"):
        assert html not in raw
    [event] = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["LOCATION"]) == LINK
    assert f"Visio : {LINK}" in str(event["DESCRIPTION"])


def test_an_account_invitation_keeps_the_inviters_apostrophe_in_its_text(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.coordinator.first_name, world.coordinator.last_name = "Anne", "D'Almeida"
    world.coordinator.save()
    pro = ProfessionalFactory(email="nouvelle@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.coordinator).post(f"/annuaire/{pro.pk}/invitation/")
    [message] = mail.outbox
    assert "Anne D'Almeida vous invite" in message.body
    assert "&#x27;" not in message.body
    assert "Anne D&#x27;Almeida vous invite" in html_of(message)


def test_no_text_template_is_rendered_with_html_escaping() -> None:
    """Subjects and text parts go through labparcours.mail.render_text, so that a new
    e-mail cannot forget: `render_to_string` on a .txt template is for nobody."""
    escaping = re.compile(r"render_to_string\(\s*f?[\"'][^\"']+\.txt[\"']")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR).glob("*/**/*.py")
        if not path.is_relative_to(settings.BASE_DIR / ".venv")
        and escaping.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_link_carrying_html_never_reaches_an_e_mail_or_a_calendar(
    world: World, django_capture_on_commit_callbacks
) -> None:
    sic = sic_ensure_planned(patient=world.own)
    client = client_for(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        for video_url in ('https://x.test/"><svg/onload=alert(1)>', "https://x.test/<svg>"):
            client.post(
                f"/api/v1/sics/{sic.pk}/schedule/",
                {"at": soon(10).isoformat(), "video_url": video_url},
                content_type="application/json",
            )
            client.post(
                f"/sic/{sic.pk}/planifier/",
                {
                    "at": soon(10).strftime("%Y-%m-%dT%H:%M"),
                    "duration_minutes": 20,
                    "video_url": video_url,
                },
            )
    for message in mail.outbox:
        for _name, content, _mimetype in message.attachments:
            assert "<svg" not in content
        assert "<svg" not in message.body
    assert mail.outbox == []
