"""Nothing but the login, the health check and invitations answers an anonymous visitor."""

import uuid

import pytest
from django.test import Client

# A patient id that exists nowhere (fixed, so that parallel workers collect the same tests).
SOME_PATIENT = uuid.UUID("6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b")

PAGES = [
    "/",
    "/gestion/",
    "/coordination/",
    "/mes-patients/",
    "/mon-dossier/",
    "/mon-dossier/acces/",
    "/gestion/journal-acces/",
    "/patients/inclure/",
    f"/patients/{SOME_PATIENT}/",
    f"/patients/{SOME_PATIENT}/equipe/",
    "/annuaire/",
    "/compte/jetons/",
]
API = [
    "/api/v1/patients/",
    f"/api/v1/patients/{SOME_PATIENT}/",
    f"/api/v1/patients/{SOME_PATIENT}/consents/",
    f"/api/v1/patients/{SOME_PATIENT}/access-log/",
    "/api/v1/professionals/",
    "/api/v1/teams/",
    "/api/v1/teams/1/members/",
    "/api/v1/tokens/",
    "/api/schema/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_it_sends_an_anonymous_visitor_to_the_login_page(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", API)
def test_it_refuses_the_api_to_an_anonymous_caller(url: str) -> None:
    response = Client().get(url)
    assert response.status_code in {401, 403}


@pytest.mark.django_db
def test_it_refuses_a_revoked_or_unknown_token() -> None:
    response = Client().get("/api/v1/patients/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert response.json()["detail"]
