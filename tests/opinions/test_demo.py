"""The demo shows specialist opinions: Mr Lambert's GP asked a cardiologist outside the team,
answered in 20 hours and pinned to his next SIC; his pharmacist waits for a diabetologist."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from labparcours.models import User
from opinions.models import OpinionRequest
from sic.models import Sic

pytestmark = pytest.mark.django_db


def login(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_demo_tells_both_stories_of_mr_lambert() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    done, waiting = OpinionRequest.objects.filter(patient__last_name="Lambert").order_by("asked_at")
    assert done.time_to_answer_label == "répondu en 20 h"
    assert done.answer_pinned_at is not None
    assert done.attachments.count() == 1
    assert (waiting.status, waiting.urgency) == ("open", "7d")
    # The outside cardiologist reads it through the grant until it is closed.
    cardiologist = login("v.lemoine@demo.test")
    assert cardiologist.get(f"/avis/{done.pk}/").status_code == 200
    assert cardiologist.get(f"/patients/{done.patient_id}/").status_code == 404
    # The answer waits on the card of the next SIC.
    upcoming = Sic.objects.get(patient__last_name="Lambert", status="scheduled")
    page = login("medecin@demo.test").get(f"/sic/{upcoming.pk}/").content.decode()
    assert "Avis à discuter en SIC" in page
    assert "7,5 mg" in page
    # The diabetologist finds the question in « Avis demandés ».
    inbox = login("diabetologue@demo.test").get("/avis/")
    assert [row.pk for row in inbox.context["page"]] == [waiting.pk]
    # The coordinator follows it.
    listed = login("coordinatrice@demo.test").get("/avis/en-attente/")
    assert [row.pk for row in listed.context["page"]] == [waiting.pk]
