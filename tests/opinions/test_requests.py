"""Asking, answering, closing and pinning, through the pages and the API: the state machine
(open → answered → closed, open → closed) refuses a wrong move in French (409 in the API);
attachments pass the one upload validator or are refused; the database keeps the invariants."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from opinions.models import OpinionAttachment, OpinionRequest, OpinionStatus
from opinions.services import opinion_answer, opinion_close, opinion_pin
from tests.conftest import World, client_for
from tests.opinions.builders import answered, asked, outside_specialist
from tests.uploads import ACCEPTED, REFUSED, upload


@pytest.fixture
def outsider(world: World):
    return outside_specialist()


def ask_form(world: World, specialist, **extra) -> dict:
    return {
        "specialist": specialist.professional.pk,
        "question": "Faut-il introduire un iSGLT2 ?",
        "urgency": "48h",
        **extra,
    }


# --- Asking -------------------------------------------------------------------------------------


def test_the_gp_asks_with_attachments_and_a_48_hour_deadline(world: World, outsider) -> None:
    files = [upload(*ACCEPTED["pdf"]), upload(*ACCEPTED["png"])]
    response = client_for(world.gp).post(
        f"/patients/{world.own.pk}/avis/demander/", ask_form(world, outsider, attachments=files)
    )
    opinion = OpinionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/avis/{opinion.pk}/"
    assert opinion.due_at - opinion.asked_at == timezone.timedelta(hours=48)
    assert opinion.status == OpinionStatus.OPEN
    stored = list(opinion.attachments.values_list("content_type", "file"))
    assert [kind for kind, _name in stored] == ["application/pdf", "image/png"]
    for _kind, name in stored:  # a generated name: nothing of the client's survives
        assert "signature" not in name
        assert "photo" not in name


def test_the_form_offers_the_team_and_the_directorys_specialists_with_an_account(
    world: World, outsider
) -> None:
    from teams.models import Profession
    from tests.factories import ProfessionalFactory

    without_account = ProfessionalFactory(profession=Profession.NEPHROLOGIST)
    page = client_for(world.gp).get(f"/patients/{world.own.pk}/avis/demander/")
    field = page.context["form"].fields["specialist"]
    choices = {int(str(value)) for value, _label in field.choices if value}
    assert world.specialist.professional.pk in choices
    assert outsider.professional.pk in choices
    assert without_account.pk not in choices
    assert world.nurse.professional.pk not in choices
    assert "qui a un compte Lab Parcours" in page.content.decode()


def test_a_specialist_does_not_ask_themself(world: World) -> None:
    response = client_for(world.specialist).post(
        f"/patients/{world.own.pk}/avis/demander/", ask_form(world, world.specialist)
    )
    assert response.status_code == 400
    assert OpinionRequest.objects.count() == 0


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_file_refuses_the_question(world: World, outsider, name: str) -> None:
    response = client_for(world.gp).post(
        f"/patients/{world.own.pk}/avis/demander/",
        ask_form(world, outsider, attachments=[upload(*REFUSED[name])]),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"]
    assert OpinionRequest.objects.count() == 0


def test_a_file_too_large_is_refused_in_french(world: World, outsider, settings) -> None:
    settings.LABPARCOURS_UPLOAD_MAX_BYTES = 100
    response = client_for(world.gp).post(
        f"/patients/{world.own.pk}/avis/demander/",
        ask_form(world, outsider, attachments=[upload(*ACCEPTED["pdf"])]),
    )
    assert response.status_code == 400
    assert "trop volumineux" in str(response.context["form"].errors["attachments"])


def test_the_api_refuses_a_file_by_its_content(world: World, outsider) -> None:
    response = client_for(world.gp).post(
        "/api/v1/opinion-requests/",
        {
            "patient": str(world.own.pk),
            "specialist": outsider.professional.pk,
            "question": "Avis ?",
            "urgency": "7d",
            "attachments": [upload(*REFUSED["html as png"])],
        },
    )
    assert response.status_code == 400
    assert "attachments" in response.json()["errors"]
    assert OpinionRequest.objects.count() == 0


def test_the_api_asks_with_an_attachment(world: World, outsider) -> None:
    response = client_for(world.coordinator).post(
        "/api/v1/opinion-requests/",
        {
            "patient": str(world.own.pk),
            "specialist": outsider.professional.pk,
            "question": "Avis ?",
            "urgency": "7d",
            "attachments": [upload(*ACCEPTED["jpeg"])],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "open"
    assert [a["content_type"] for a in body["attachments"]] == ["image/jpeg"]


def test_the_api_refuses_a_professional_who_is_not_a_specialist(world: World) -> None:
    response = client_for(world.gp).post(
        "/api/v1/opinion-requests/",
        {
            "patient": str(world.own.pk),
            "specialist": world.nurse.professional.pk,
            "question": "Avis ?",
            "urgency": "7d",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_a_specialist"


def test_an_attachment_of_another_patient_is_unreachable(world: World, outsider) -> None:
    other = asked(world, outsider, patient=world.other, by=world.coordinator, attachments=1)
    attachment = other.attachments.get()
    for user in (world.gp, world.specialist, world.patient_user):
        assert client_for(user).get(f"/avis/pieces/{attachment.pk}/").status_code == 404
        api = client_for(user).get(f"/api/v1/opinion-attachments/{attachment.pk}/")
        assert api.status_code == 404
    # The patient's side is refused the attachment of their own patient's request.
    mine = asked(world, outsider, attachments=1).attachments.get()
    assert client_for(world.patient_user).get(f"/avis/pieces/{mine.pk}/").status_code == 403
    api = client_for(world.patient_user).get(f"/api/v1/opinion-attachments/{mine.pk}/")
    assert api.status_code == 403


# --- The state machine ----------------------------------------------------------------------


def test_a_second_answer_is_refused_with_a_409_and_a_french_message(world: World, outsider) -> None:
    opinion = answered(world, outsider)
    response = client_for(outsider).post(
        f"/api/v1/opinion-requests/{opinion.pk}/answer/",
        {"answer": "Autre chose"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_transition",
        "detail": "Cette demande est au statut « répondu » : on ne peut plus y répondre.",
    }


def test_closing_twice_is_refused_in_french_on_the_page(world: World, outsider) -> None:
    opinion = asked(world, outsider)
    client = client_for(world.gp)
    client.post(f"/avis/{opinion.pk}/clore/")
    response = client.post(f"/avis/{opinion.pk}/clore/", follow=True)
    assert "Cette demande est déjà clôturée." in unescape(response.content.decode())
    api = client.post(f"/api/v1/opinion-requests/{opinion.pk}/close/")
    assert api.status_code == 409


def test_a_withdrawn_request_cannot_be_answered(world: World, outsider) -> None:
    opinion = asked(world, outsider)
    opinion_close(request=opinion, by=world.coordinator)
    opinion.refresh_from_db()
    assert opinion.is_withdrawn
    # The grant ended with it: the outside specialist no longer finds it.
    response = client_for(outsider).post(f"/avis/{opinion.pk}/repondre/", {"answer": "Oui"})
    assert response.status_code == 404
    from labparcours.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        opinion_answer(request=opinion, by=outsider, answer="Oui")


def test_answered_then_closed_keeps_the_answer(world: World, outsider) -> None:
    opinion = answered(world, outsider)
    response = client_for(world.gp).post(f"/api/v1/opinion-requests/{opinion.pk}/close/")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["answer"].startswith("Monter")


def test_an_empty_answer_is_refused_on_the_page(world: World, outsider) -> None:
    opinion = asked(world, outsider)
    response = client_for(outsider).post(f"/avis/{opinion.pk}/repondre/", {"answer": "  "})
    assert response.status_code == 400
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.OPEN


def test_the_specialist_answers_on_the_page(world: World, outsider) -> None:
    opinion = asked(world, outsider)
    response = client_for(outsider).post(
        f"/avis/{opinion.pk}/repondre/", {"answer": "Oui, 10 mg le matin."}, follow=True
    )
    assert "Votre réponse a été transmise à l'équipe." in unescape(response.content.decode())
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ANSWERED
    assert opinion.answered_by == outsider


def test_an_open_request_cannot_be_pinned(world: World, outsider) -> None:
    opinion = asked(world, outsider)
    response = client_for(world.nurse).post(f"/avis/{opinion.pk}/sic/", follow=True)
    assert "Seule une réponse peut être mise à l'ordre du jour de la SIC." in unescape(
        response.content.decode()
    )


def test_the_database_keeps_an_answer_whole(world: World, outsider) -> None:
    opinion = asked(world, outsider)
    with transaction.atomic(), pytest.raises(IntegrityError):
        OpinionRequest.objects.filter(pk=opinion.pk).update(status="answered")
    with transaction.atomic(), pytest.raises(IntegrityError):
        OpinionRequest.objects.filter(pk=opinion.pk).update(answer="Oui")
    with transaction.atomic(), pytest.raises(IntegrityError):
        OpinionRequest.objects.filter(pk=opinion.pk).update(status="closed")
    with transaction.atomic(), pytest.raises(IntegrityError):
        OpinionRequest.objects.filter(pk=opinion.pk).update(
            answer_pinned_at=timezone.now(), pinned_by=world.gp
        )


def test_pinning_and_unpinning(world: World, outsider) -> None:
    opinion = opinion_pin(request=answered(world, outsider), by=world.nurse)
    assert opinion.answer_pinned_at is not None
    client_for(world.nurse).post(f"/avis/{opinion.pk}/sic/", {"pinned": "0"})
    opinion.refresh_from_db()
    assert opinion.answer_pinned_at is None
    assert OpinionAttachment.objects.count() == 0
