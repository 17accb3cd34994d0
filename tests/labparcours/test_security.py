import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World, client_for


def test_two_factor_is_required_for_coordinators_when_configured(world: World, settings) -> None:
    settings.MFA_REQUIRED_ROLES = ["admin", "coordinator"]
    response = client_for(world.coordinator).get("/coordination/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client_for(world.coordinator).get("/api/v1/patients/").status_code == 403
    # A patient is not forced.
    assert client_for(world.patient_user).get("/mon-dossier/").status_code == 200


def test_login_attempts_are_rate_limited(world: World, settings, password: str) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/m/key"}
    client = Client()
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "gp@example.test", "password": "x"})
    response = client.post(
        reverse("account_login"), {"login": "gp@example.test", "password": password}
    )
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives de connexion échouées" in response.content.decode()


def test_pages_carry_a_content_security_policy(world: World) -> None:
    response = client_for(world.coordinator).get("/coordination/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("role", ["gp", "coordinator"])
def test_patient_names_never_appear_in_urls(world: World, role: str) -> None:
    """Search is posted, not put in the address: names stay out of logs and histories."""
    body = (
        client_for(world.user(role))
        .get("/coordination/" if role == "coordinator" else "/mes-patients/")
        .content.decode()
    )
    assert 'method="post"' in body or role == "gp"
    assert "?q=" not in body


def test_the_history_keeps_who_changed_a_patient(world: World) -> None:
    client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/modifier/",
        {
            "last_name": "Lambert",
            "first_name": "Marcel",
            "birth_date": "1952-04-12",
            "sex": "F",
            "nir": world.own.nir,
            "pathway": "ic",
            "city": "Roubaix",
            "inclusion_criteria": ["ic_hospitalisation", "medical_complexity"],
        },
    )
    last = world.own.history.first()
    assert last.city == "Roubaix"
    assert last.history_user == world.coordinator
