import re

from django.test import Client

from tests.conftest import World, client_for


def test_a_user_creates_uses_and_revokes_a_personal_token(world: World) -> None:
    page = client_for(world.gp).post("/compte/jetons/", {"name": "Logiciel du cabinet"})
    key = re.search(r"<code>([\w-]+)</code>", page.content.decode()).group(1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/patients/").json()["count"] == 1
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
