"""An unexpected error answers a generic page in French with a reference that is also in the
log line and in the `X-Request-ID` header — and nothing of the patient, in DEBUG too."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(world: World, monkeypatch):
    """The patient page fails after reading the patient, with the name in the error."""

    def boom(request, patient):
        raise RuntimeError(f"cannot build the card of {patient.last_name}")

    monkeypatch.setattr("patients.views.budget_card_context", boom)
    client = Client(raise_request_exception=False)
    client.force_login(world.gp)
    return client


@pytest.mark.parametrize("debug", [False, True])
def test_an_error_shows_a_reference_and_nothing_of_the_patient(
    world: World, failing: Client, settings, caplog, debug: bool
) -> None:
    settings.DEBUG = debug
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = failing.get(f"/patients/{world.own.pk}/", secure=True)
    assert response.status_code == 500
    page = response.content.decode()
    reference = response["X-Request-ID"]
    assert f'Référence de l’erreur : <code class="error-reference">{reference}</code>' in page
    assert "Un problème est survenu" in page
    for secret in (world.own.last_name, world.own.first_name, "Traceback", "RuntimeError"):
        assert secret not in page
    # The log has the traceback, under the same reference.
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == reference
    assert record.exc_info is not None


def test_the_api_answers_a_structured_error_with_the_reference(world: World, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("the serializer failed")

    monkeypatch.setattr("patients.api.PatientSerializer.to_representation", boom)
    client = Client(raise_request_exception=False)
    client.force_login(world.gp)
    response = client.get(f"/api/v1/patients/{world.own.pk}/", secure=True)
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert body["request_id"] == response["X-Request-ID"]
    assert "serializer" not in response.content.decode()


def test_every_answer_carries_its_own_reference(world: World) -> None:
    client = Client()
    first, second = client.get("/healthz/"), client.get("/healthz/")
    assert len(first["X-Request-ID"]) == 16
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_an_error_reported_to_sentry_carries_no_patient_data(
    world: World, failing: Client, settings
) -> None:
    import json

    import sentry_sdk
    from sentry_sdk.transport import Transport

    from labparcours.error_reporting import init_error_reporting

    sent: list[dict] = []

    class Capture(Transport):
        def capture_envelope(self, envelope) -> None:
            sent.extend(item.payload.json for item in envelope.items if item.payload.json)

    init_error_reporting(
        "https://public@errors.invalid/1", environment="test", release="", transport=Capture
    )
    try:
        response = failing.get(f"/patients/{world.own.pk}/?q={world.own.last_name}", secure=True)
        sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # no DSN: reporting off again for the next tests
    assert response.status_code == 500
    (event,) = [e for e in sent if e.get("exception")]
    text = json.dumps(event)
    for secret in (world.own.last_name, world.own.first_name, world.gp.email, "sessionid"):
        assert secret not in text
    assert event["exception"]["values"][0]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    assert event["transaction"] == "/patients/{pk}/"  # the route, not the patient's id
