"""Nothing but the login, the health check and invitations answers an anonymous visitor."""

import uuid

import pytest
from django.test import Client

PAGES = [
    "/",
    "/gestion/",
    "/coordination/",
    "/mes-patients/",
    "/mon-dossier/",
    "/mon-dossier/acces/",
    "/gestion/journal-acces/",
    "/patients/inclure/",
    f"/patients/{uuid.uuid4()}/",
    f"/patients/{uuid.uuid4()}/equipe/",
    "/annuaire/",
    "/compte/jetons/",
]
API = [
    "/api/v1/patients/",
    f"/api/v1/patients/{uuid.uuid4()}/",
    f"/api/v1/patients/{uuid.uuid4()}/consents/",
    f"/api/v1/patients/{uuid.uuid4()}/access-log/",
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
