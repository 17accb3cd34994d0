"""The API's rate limit: so many requests per token in a window, then 429 with Retry-After;
each token (and each signed-in user) has its own count."""

from __future__ import annotations

from django.test import Client

from labparcours.models import ApiToken
from tests.conftest import World, client_for


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_beyond_the_rate_a_token_gets_429_with_retry_after(world: World, settings) -> None:
    settings.LABPARCOURS_API_RATE_LIMIT = "3/min"
    _, key = ApiToken.issue(user=world.gp, name="script")
    _, other_key = ApiToken.issue(user=world.gp, name="other script")
    client = bearer(key)
    for _ in range(3):
        assert client.get("/api/v1/patients/").status_code == 200
    refused = client.get("/api/v1/patients/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert refused.json()["detail"]
    # Another token of the same user, and the user's session, count apart.
    assert bearer(other_key).get("/api/v1/patients/").status_code == 200
    assert client_for(world.gp).get("/api/v1/patients/").status_code == 200


def test_the_schema_documents_429_and_retry_after_everywhere(world: World) -> None:
    paths = client_for(world.gp).get("/api/schema/?format=json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            refusal = operation["responses"]["429"]
            assert refusal["headers"]["Retry-After"]["schema"]["type"] == "integer", path
