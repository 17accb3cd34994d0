"""« Avis à discuter en SIC »: the SIC page lists the patient's answers pinned since the
previous held SIC (for a held SIC, up to its holding); the patient's side does not see it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from opinions.models import OpinionRequest
from opinions.services import opinion_pin
from sic.services import sic_ensure_planned
from tests.conftest import World, client_for
from tests.factories import held_sic
from tests.opinions.builders import answered, outside_specialist


def pinned(world: World, specialist, when: datetime.datetime, question: str) -> OpinionRequest:
    opinion = answered(world, specialist)
    OpinionRequest.objects.filter(pk=opinion.pk).update(question=question)
    opinion_pin(request=opinion, by=world.gp)
    OpinionRequest.objects.filter(pk=opinion.pk).update(answer_pinned_at=when)
    return opinion


def test_the_cards_show_what_was_pinned_between_two_sics(world: World) -> None:
    specialist = outside_specialist()
    now = timezone.now()
    pinned(world, specialist, now - datetime.timedelta(days=400), "Question très ancienne")
    held = held_sic(world, present=["gp"])
    type(held).objects.filter(pk=held.pk).update(held_at=now - datetime.timedelta(days=10))
    pinned(world, specialist, now - datetime.timedelta(days=20), "Question avant la SIC")
    pinned(world, specialist, now - datetime.timedelta(days=2), "Question après la SIC")
    answered(world, specialist)  # answered, not pinned
    upcoming = sic_ensure_planned(patient=world.own)
    assert upcoming is not None

    client = client_for(world.nurse)
    page = client.get(f"/sic/{upcoming.pk}/").content.decode()
    assert "Avis à discuter en SIC" in page
    assert "Question après la SIC" in page
    assert "Question avant la SIC" not in page

    page = client.get(f"/sic/{held.pk}/").content.decode()
    assert "Question avant la SIC" in page
    assert "Question très ancienne" in page  # no SIC was held before this one
    assert "Question après la SIC" not in page


def test_the_patients_side_does_not_see_the_card(world: World) -> None:
    pinned(world, outside_specialist(), timezone.now(), "Question du jour")
    upcoming = sic_ensure_planned(patient=world.own)
    assert upcoming is not None
    for user in (world.patient_user, world.caregiver_user):
        response = client_for(user).get(f"/sic/{upcoming.pk}/")
        assert response.status_code == 200
        assert "Avis à discuter en SIC" not in response.content.decode()


def test_no_card_without_a_pinned_answer(world: World) -> None:
    answered(world, outside_specialist())
    upcoming = sic_ensure_planned(patient=world.own)
    assert upcoming is not None
    page = client_for(world.gp).get(f"/sic/{upcoming.pk}/").content.decode()
    assert "Avis à discuter en SIC" not in page
