"""The demo shows the indemnity pages with something in them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from labparcours.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_lines_to_approve_a_paid_batch_and_a_gp_paid() -> None:
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    admin = client_for(User.objects.get(email="admin@demo.test"))
    page = admin.get("/indemnisations/admin/").content.decode()
    assert "Constitution de l" in page
    assert "Payé le" in page
    assert "Dubois" in page

    gp = client_for(User.objects.get(email="medecin@demo.test"))
    page = gp.get("/indemnisations/").content.decode()
    assert '<span class="badge badge--ok">Payée</span>' in page
    assert "•••• ••••" in page

    cardiologist = client_for(User.objects.get(email="cardiologue@demo.test"))
    page = cardiologist.get("/indemnisations/").content.decode()
    assert "vous n'accumulez pas d'indemnisation" in page
