import datetime
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from labparcours.models import ApiToken
from tests.conftest import World, client_for


def test_a_user_creates_uses_and_revokes_a_personal_token(world: World) -> None:
    page = client_for(world.gp).post("/compte/jetons/", {"name": "Logiciel du cabinet"})
    key = re.search(r"<code>([\w-]+)</code>", page.content.decode()).group(1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert len(api.get("/api/v1/patients/").json()["results"]) == 1
    token = world.gp.api_tokens.get()
    client_for(world.gp).post(f"/compte/jetons/{token.pk}/revoquer/")
    assert api.get("/api/v1/patients/").status_code == 401


def test_the_api_creates_a_token_shown_once(world: World) -> None:
    client = client_for(world.nurse)
    created = client.post("/api/v1/tokens/", {"name": "script"}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["key"]
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert "key" not in listed[0] or listed[0]["key"] is None
    assert client.delete(f"/api/v1/tokens/{created.json()['id']}/").status_code == 204
    key = created.json()["key"]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/patients/").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(world: World) -> None:
    from labparcours.models import ApiToken

    token, _ = ApiToken.issue(user=world.gp, name="x")
    assert client_for(world.nurse).post(f"/compte/jetons/{token.pk}/revoquer/").status_code == 404
    assert client_for(world.nurse).delete(f"/api/v1/tokens/{token.pk}/").status_code == 404


def test_the_schema_and_docs_are_served(world: World) -> None:
    client = client_for(world.coordinator)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/patients/{id}/access-log/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_expires_after_the_configured_days(world: World, settings) -> None:
    settings.LABPARCOURS_API_TOKEN_DAYS = 30
    token, key = ApiToken.issue(user=world.gp, name="x")
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert bearer(key).get("/api/v1/patients/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        refused = bearer(key).get("/api/v1/patients/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_expired"


def test_the_token_page_shows_expiry_and_last_use(world: World) -> None:
    token, key = ApiToken.issue(user=world.gp, name="Logiciel du cabinet")
    page = client_for(world.gp).get("/compte/jetons/").content.decode()
    assert f"expire le {date_format(timezone.localtime(token.expires_at), 'j F Y')}" in page
    assert "jamais utilisé" in page
    bearer(key).get("/api/v1/patients/")
    page = client_for(world.gp).get("/compte/jetons/").content.decode()
    assert f"dernière utilisation le {date_format(timezone.localdate(), 'j F Y')}" in page


def test_the_api_lists_the_expiry_of_tokens(world: World) -> None:
    token, _key = ApiToken.issue(user=world.gp, name="x")
    listed = client_for(world.gp).get("/api/v1/tokens/").json()["results"][0]
    assert datetime.datetime.fromisoformat(listed["expires_at"]) == token.expires_at
    assert "last_used_at" in listed


def test_it_refuses_the_token_of_a_two_factor_role_without_an_authenticator(
    world: World, settings
) -> None:
    settings.MFA_REQUIRED_ROLES = ["coordinator"]
    _token, key = ApiToken.issue(user=world.coordinator, name="x")
    refused = bearer(key).get("/api/v1/patients/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "two_factor_required"
    assert "patients" not in refused.json()
    Authenticator.objects.create(user=world.coordinator, type=Authenticator.Type.TOTP, data={})
    assert bearer(key).get("/api/v1/patients/").status_code == 200


def test_a_token_cannot_create_another_token(world: World) -> None:
    _token, key = ApiToken.issue(user=world.gp, name="x")
    refused = bearer(key).post("/api/v1/tokens/", {"name": "y"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "session_required"
    assert world.gp.api_tokens.count() == 1
    # It may still list and revoke the owner's tokens.
    assert bearer(key).get("/api/v1/tokens/").status_code == 200


@pytest.mark.owner
def test_the_migration_gives_existing_tokens_ninety_days_from_their_creation(
    transactional_db: None,
) -> None:
    before, after = (
        ("labparcours", "0004_reminder_sic_to_record"),
        ("labparcours", "0005_apitoken_expires_at"),
    )
    created = datetime.datetime(2026, 1, 10, 9, 30, tzinfo=datetime.UTC)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps
        user = old.get_model("labparcours", "User").objects.create(email="old@example.test")
        tokens = old.get_model("labparcours", "ApiToken").objects
        tokens.create(user=user, name="old", prefix="abcdefgh", key_hash="0" * 64)
        tokens.update(created_at=created)
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state([after]).apps
        token = new.get_model("labparcours", "ApiToken").objects.get()
        assert token.expires_at == created + datetime.timedelta(days=90)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
