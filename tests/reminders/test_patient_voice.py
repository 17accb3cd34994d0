"""The patient reads the reminders about themself in the second person (« Votre plan de
soins… »), in the bell and by e-mail; their caregiver and the team read the same reminder
naming the patient."""

from __future__ import annotations

import pytest

from careplans.models import PlanStatus
from careplans.services import careplan_propose
from sic.services import sic_cancel
from tests.bell import reminder_mails_to
from tests.conftest import World, client_for
from tests.factories import make_plan


def bell(user) -> str:
    response = client_for(user).get("/notifications/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def proposed(world: World, committed) -> World:
    plan = make_plan(world, status=PlanStatus.DRAFT)
    committed(lambda: careplan_propose(plan=plan, by=world.coordinator))
    return world


def test_the_patient_reads_that_their_plan_is_proposed_to_them(proposed: World) -> None:
    page = bell(proposed.patient_user)

    assert "Votre équipe de soins vous propose un plan de soins" in page
    assert "Votre plan de soins à lire" in page
    assert "du patient" not in page
    assert "LAMBERT" not in page


def test_their_caregiver_reads_it_about_the_patient(proposed: World) -> None:
    page = bell(proposed.caregiver_user)

    assert "au patient" in page
    assert "Votre équipe de soins vous propose" not in page


def test_the_patients_e_mail_speaks_to_them_too(proposed: World) -> None:
    [message] = reminder_mails_to(proposed.patient_user)

    assert "Votre plan de soins à lire" in message.subject
    assert "Votre équipe de soins vous propose un plan de soins" in message.body
    assert proposed.own.last_name not in message.body


def test_a_cancelled_sic_is_theirs(world: World, sics: dict, committed) -> None:
    committed(lambda: sic_cancel(sic=sics["own"], reason="Empêchement"))

    page = bell(world.patient_user)
    assert "Votre SIC prévue le" in page
    assert "est annulée" in page
