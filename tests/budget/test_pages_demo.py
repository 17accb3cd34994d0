"""The demo shows the budget pages with something in them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from labparcours.models import User
from patients.models import Patient
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_request_to_approve_and_an_envelope_with_an_invoice() -> None:
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    coordinator = client_for(User.objects.get(email="coordinatrice@demo.test"))
    waiting = coordinator.get("/soins-complementaires/a-valider/").content.decode()
    assert waiting.count('id="care-') == 1
    assert "psychologue" in waiting
    lambert = Patient.objects.get(last_name="Lambert")
    page = coordinator.get(f"/patients/{lambert.pk}/").content.decode()
    assert "/facture/" in page
    assert "Payée" in page or "Payé" in page
