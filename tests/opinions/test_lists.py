"""Where requests are found: the coordinator's open requests (oldest first, with their age),
« Avis demandés » (open first), and the card of the patient page."""

from __future__ import annotations

import datetime

from django.utils import timezone

from opinions.models import OpinionRequest
from opinions.services import opinion_close
from tests.conftest import World, client_for
from tests.opinions.builders import answered, asked, outside_specialist


def aged(opinion: OpinionRequest, days: int) -> OpinionRequest:
    asked_at = timezone.now() - datetime.timedelta(days=days)
    OpinionRequest.objects.filter(pk=opinion.pk).update(
        asked_at=asked_at, due_at=asked_at + datetime.timedelta(days=7)
    )
    return opinion


def test_the_coordinator_sees_the_open_requests_oldest_first(world: World) -> None:
    specialist = outside_specialist()
    recent = asked(world, specialist)
    old = aged(asked(world, specialist, patient=world.other, by=world.coordinator), days=9)
    answered(world, specialist)
    opinion_close(request=asked(world, specialist), by=world.gp)
    response = client_for(world.coordinator).get("/avis/en-attente/")
    assert [row.pk for row in response.context["page"]] == [old.pk, recent.pk]
    page = response.content.decode()
    assert "9 jours" in page  # its age
    assert "En retard" in page
    late = client_for(world.coordinator).get("/avis/en-attente/?vue=late")
    assert [row.pk for row in late.context["page"]] == [old.pk]


def test_the_coordinators_navigation_leads_to_the_open_requests(world: World) -> None:
    page = client_for(world.coordinator).get("/coordination/").content.decode()
    assert 'href="/avis/en-attente/"' in page
    assert "Avis en attente" in page
    page = client_for(world.gp).get("/mes-patients/").content.decode()
    assert 'href="/avis/"' in page
    assert "Avis demandés" in page


def test_the_specialists_inbox_shows_the_open_requests_first(world: World) -> None:
    done = answered(world, world.specialist)
    waiting = aged(asked(world, world.specialist), days=1)
    response = client_for(world.specialist).get("/avis/")
    assert [row.pk for row in response.context["page"]] == [waiting.pk, done.pk]
    # The GP finds the questions they asked.
    mine = client_for(world.gp).get("/avis/").context["mine"]
    assert {row.pk for row in mine} == {waiting.pk, done.pk}


def test_the_patient_page_shows_the_card_and_the_button(world: World) -> None:
    opinion = answered(world, outside_specialist())
    page = client_for(world.nurse).get(f"/patients/{world.own.pk}/").content.decode()
    assert "Avis spécialisés" in page
    assert f"/avis/{opinion.pk}/" in page
    assert f"/patients/{world.own.pk}/avis/demander/" in page
    assert "Répondu en" in page
    page = client_for(world.admin).get(f"/patients/{world.own.pk}/").content.decode()
    assert f"/avis/{opinion.pk}/" in page
    assert f"/patients/{world.own.pk}/avis/demander/" not in page
