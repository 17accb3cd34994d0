"""Nothing that carries patient data may be kept by a browser or a proxy cache."""

from __future__ import annotations

import pytest
from django.test import Client

from careplans.models import PlanStatus
from labparcours.models import ApiToken
from tests.conftest import World, client_for
from tests.factories import make_plan
from tests.uploads import signed_sheet


def assert_not_stored(response) -> None:
    assert response.status_code == 200, response.status_code
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


@pytest.fixture
def plan(world: World):
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    plan.validate(by=world.coordinator, method="paper", scan=signed_sheet())
    return plan


def test_pages_pdfs_and_files_about_a_patient_are_not_stored(world: World, plan) -> None:
    client = client_for(world.gp)
    for url in (
        f"/patients/{world.own.pk}/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/pdf/",
        f"/plans/{plan.pk}/feuille-signee/",
        "/mes-patients/",
    ):
        assert_not_stored(client.get(url))
    assert_not_stored(client_for(world.patient_user).get("/mon-dossier/"))


@pytest.mark.parametrize("auth", ["session", "token"])
def test_api_answers_are_not_stored(world: World, plan, auth: str) -> None:
    if auth == "session":
        client = client_for(world.nurse)
    else:
        _, key = ApiToken.issue(user=world.nurse, name="logiciel")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for url in (
        "/api/v1/patients/",
        f"/api/v1/patients/{world.own.pk}/",
        "/api/v1/careplans/",
        f"/api/v1/careplans/{plan.pk}/",
        f"/api/v1/careplans/{plan.pk}/pdf/",
        f"/api/v1/careplans/{plan.pk}/scan/",
    ):
        assert_not_stored(client.get(url))


@pytest.mark.django_db
def test_a_refused_api_call_is_not_stored_either() -> None:
    response = Client().get("/api/v1/patients/", HTTP_AUTHORIZATION="Bearer nothing")
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]
