"""The thread pages: who reads, what is shown and how, posting with files, polling, older
pages, corrections, pins for the SIC, and the access log."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from labparcours.models import AccessLogEntry, Role
from patients.models import ExitReason, Patient, PatientStatus
from sic.models import SicStatus
from tests.conftest import World, client_for
from tests.factories import ProfessionalFactory, UserFactory, held_sic
from tests.threads.helpers import pdf, photo, post
from tests.uploads import REFUSED, upload
from threads.models import Attachment, Audience, Message, MessageRevision
from threads.services import message_pin
from threads.templatetags.threads import render_text


def team(world: World, suffix: str = "") -> str:
    return f"/patients/{world.own.pk}/fil/equipe/{suffix}"


def test_it_shows_text_escaped_with_its_links_and_line_breaks() -> None:
    html = render_text('<script>x</script> voir https://ex.org/a?b=1&c=2.\n"ok"')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert (
        '<a href="https://ex.org/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">' in html
    )
    assert "c=2</a>.<br>" in html
    assert "&quot;ok&quot;" in html
    assert 'href="javascript' not in render_text("javascript:alert(1) http://x.y")


def test_a_former_member_and_an_outsider_read_nothing(world: World) -> None:
    post(world.own, world.nurse, "Cheville gonflée")
    outsider = UserFactory(role=Role.CLINICIAN)
    ProfessionalFactory(user=outsider)
    for user in (world.former_member, outsider):
        client = client_for(user)
        assert client.get(team(world)).status_code == 404
        assert client.get(team(world, "nouveaux/?apres=0")).status_code == 404
        api = f"/api/v1/patients/{world.own.pk}/thread/messages/"
        assert client.get(api).status_code == 404
        assert client.post(api, {"text": "x"}, content_type="application/json").status_code == 404
    assert not AccessLogEntry.objects.filter(user__in=[world.former_member, outsider]).exists()


def test_the_patient_never_sees_the_team_thread(world: World) -> None:
    post(world.own, world.gp, "Entre nous : observance médiocre")
    post(world.own, world.nurse, "Bonjour Monsieur", audience=Audience.PATIENT)
    for user in (world.patient_user, world.caregiver_user):
        client = client_for(user)
        assert client.get(team(world)).status_code == 404
        page = client.get("/mes-messages/").content.decode()
        assert "Bonjour Monsieur" in page
        assert "observance" not in page
        api = client.get(f"/api/v1/patients/{world.own.pk}/thread/messages/")
        assert api.status_code == 404


def test_it_posts_a_photo_shown_as_a_reencoded_thumbnail(world: World) -> None:
    client = client_for(world.nurse)
    answer = client.post(team(world, "ecrire/"), {"text": "", "photo": photo()})
    assert answer.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    page = client_for(world.gp).get(team(world)).content.decode()
    assert f'src="/pieces-jointes/{attachment.pk}/apercu/"' in page
    assert f'href="/pieces-jointes/{attachment.pk}/"' in page
    thumb = client_for(world.gp).get(f"/pieces-jointes/{attachment.pk}/apercu/")
    assert thumb["Content-Type"] == "image/jpeg"
    assert thumb["X-Content-Type-Options"] == "nosniff"
    assert thumb["Content-Disposition"].startswith("inline;")  # shown in the page
    assert thumb["Cache-Control"] == "no-store, private"
    assert b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"  # JPEG, not the PNG sent
    original = client_for(world.gp).get(f"/pieces-jointes/{attachment.pk}/")
    assert original["Content-Disposition"].startswith("attachment;")
    assert original["Content-Type"] == "image/png"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_it_refuses_a_file_that_is_not_a_pdf_or_an_image(world: World, name: str) -> None:
    field = "document" if REFUSED[name][0].endswith(".pdf") else "photo"
    answer = client_for(world.nurse).post(
        team(world, "ecrire/"), {"text": "voir pièce", field: upload(*REFUSED[name])}
    )
    assert answer.status_code == 400
    assert not Message.objects.exists()


def test_it_refuses_a_file_too_large(world: World, settings) -> None:
    settings.LABPARCOURS_UPLOAD_MAX_BYTES = 100
    answer = client_for(world.nurse).post(team(world, "ecrire/"), {"document": pdf()})
    assert answer.status_code == 400
    assert "trop volumineux" in answer.content.decode()
    assert not Attachment.objects.exists()


def test_an_attachment_is_unreachable_outside_the_scope(world: World) -> None:
    message = post(world.other, world.coordinator, "Photo", files=[photo()])
    attachment = message.attachments.get()
    for url in (f"/pieces-jointes/{attachment.pk}/", f"/pieces-jointes/{attachment.pk}/apercu/"):
        assert client_for(world.gp).get(url).status_code == 404
    own = post(world.own, world.nurse, "Photo", files=[photo()]).attachments.get()
    assert client_for(world.patient_user).get(f"/pieces-jointes/{own.pk}/").status_code == 404


def test_an_empty_thread_polls_from_the_start(world: World) -> None:
    page = client_for(world.gp).get(team(world)).content.decode()
    assert "nouveaux/?apres=0" in page


def test_every_read_is_logged_and_an_empty_poll_writes_none(world: World) -> None:
    first = post(world.own, world.nurse, "Premier")
    client = client_for(world.gp)
    client.get(team(world))
    assert AccessLogEntry.objects.filter(user=world.gp, what="team thread").count() == 1
    assert client.get(team(world, f"nouveaux/?apres={first.pk}")).status_code == 204
    assert AccessLogEntry.objects.filter(user=world.gp, what="team thread").count() == 1
    second = post(world.own, world.nurse, "Second")
    answer = client.get(team(world, f"nouveaux/?apres={first.pk}"))
    html = answer.content.decode()
    assert "Second" in html
    assert "Premier" not in html
    assert f"apres={second.pk}" in html  # the next poll starts after it
    assert AccessLogEntry.objects.filter(user=world.gp, what="team thread").count() == 2


def test_the_page_opens_on_the_newest_messages_and_loads_older_ones_by_key(
    world: World,
) -> None:
    thread_messages = [post(world.own, world.nurse, f"Message {n}") for n in range(35)]
    client = client_for(world.gp)
    page = client.get(team(world)).content.decode()
    assert "Message 34" in page
    assert "Message 5<" in page
    assert "Message 4<" not in page
    first_shown = thread_messages[5].pk
    assert f"anciens/?avant={first_shown}" in page
    older = client.get(team(world, f"anciens/?avant={first_shown}"), HTTP_HX_REQUEST="true")
    html = older.content.decode()
    assert "Message 0<" in html
    assert "Message 4<" in html
    assert "Message 5<" not in html
    assert "anciens/?avant" not in html  # nothing older remains


def test_an_author_corrects_within_15_minutes_and_the_history_stays(world: World) -> None:
    message = post(world.own, world.nurse, "Poids 82 kg")
    client = client_for(world.nurse)
    answer = client.post(f"/messages/{message.pk}/corriger/", {"text": "Poids 80 kg"})
    assert answer.status_code == 302
    message.refresh_from_db()
    assert message.text == "Poids 80 kg"
    assert message.edited_at is not None
    assert list(MessageRevision.objects.values_list("text", flat=True)) == ["Poids 82 kg"]
    assert "modifié" in client_for(world.gp).get(team(world)).content.decode()
    history = client_for(world.gp).get(f"/messages/{message.pk}/historique/").content.decode()
    assert "Poids 82 kg" in history
    assert "Poids 80 kg" in history
    # Someone else may not.
    assert (
        client_for(world.gp)
        .post(f"/messages/{message.pk}/corriger/", {"text": "Poids 70 kg"})
        .status_code
        == 403
    )


def test_a_correction_after_15_minutes_is_refused(world: World) -> None:
    message = post(world.own, world.nurse, "Poids 82 kg")
    later = timezone.now() + datetime.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        answer = client_for(world.nurse).post(
            f"/messages/{message.pk}/corriger/", {"text": "Poids 80 kg"}
        )
    assert answer.status_code == 400
    assert "15 minutes" in answer.content.decode()
    message.refresh_from_db()
    assert message.text == "Poids 82 kg"
    assert message.edited_at is None
    assert not MessageRevision.objects.exists()


def test_the_sic_page_lists_the_messages_pinned_since_the_previous_sic(world: World) -> None:
    before = post(world.own, world.nurse, "Ancienne question")
    message_pin(message=before, by=world.gp)
    held = held_sic(world, present=["gp"])
    assert held.status == SicStatus.HELD
    # Pinned the week before that SIC was held.
    Message.objects.filter(pk=before.pk).update(pinned_at=held.held_at - datetime.timedelta(days=7))
    after = post(world.own, world.nurse, "Œdème des chevilles à discuter")
    client_for(world.gp).post(f"/messages/{after.pk}/sic/")
    after.refresh_from_db()
    assert after.pinned_by == world.gp
    next_sic = world.own.sics.exclude(pk=held.pk).get()
    page = client_for(world.gp).get(f"/sic/{next_sic.pk}/").content.decode()
    assert "Œdème des chevilles à discuter" in page
    assert "Ancienne question" not in page
    held_page = client_for(world.gp).get(f"/sic/{held.pk}/").content.decode()
    assert "Ancienne question" in held_page
    assert "Œdème" not in held_page
    patient_page = client_for(world.patient_user).get(f"/sic/{next_sic.pk}/").content.decode()
    assert "Œdème" not in patient_page


def test_the_thread_of_a_patient_who_left_is_read_not_written(world: World) -> None:
    post(world.own, world.nurse, "Avant la sortie")
    Patient.objects.filter(pk=world.own.pk).update(
        status=PatientStatus.EXITED,
        exit_reason=ExitReason.MOVED,
        exit_date=timezone.localdate(),
    )
    client = client_for(world.gp)
    page = client.get(team(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Avant la sortie" in html
    assert 'class="composer"' not in html
    assert "sorti du programme" in html
    refused = client.post(team(world, "ecrire/"), {"text": "Encore un mot"})
    assert "sorti du programme" in refused.content.decode()
    api = client.post(
        f"/api/v1/patients/{world.own.pk}/thread/messages/",
        {"text": "Encore un mot"},
        content_type="application/json",
    )
    assert api.status_code == 409
    assert api.json()["code"] == "thread_closed"
    assert not Message.objects.filter(text="Encore un mot").exists()
