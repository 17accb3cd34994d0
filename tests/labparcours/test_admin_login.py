"""The admin has no login of its own: the site's login (two-factor, rate limits) comes first,
then only staff get in."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import World, client_for
from tests.factories import PASSWORD
from tests.labparcours.logins import full_login, password_login, with_totp


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def test_the_admin_login_sends_to_the_site_login(db: None) -> None:
    response = Client().get("/admin/login/?next=/admin/patients/patient/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/login/?next=/admin/patients/patient/"
    chain = Client().get("/admin/", follow=True)
    assert chain.redirect_chain[-1][0] == "/compte/login/?next=/admin/"


def test_the_admin_login_never_sends_elsewhere(db: None) -> None:
    response = Client().get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/compte/login/?next=/admin/"


def test_thirty_wrong_passwords_to_the_admin_login_never_log_in(world: World) -> None:
    client = Client()
    for attempt in range(30):
        response = client.post(
            "/admin/login/", {"username": world.admin.email, "password": f"wrong-{attempt}"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/login/")
    client.post("/admin/login/", {"username": world.admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/patients/patient/").status_code == 302


def test_a_password_only_session_of_a_two_factor_role_gets_nothing_from_the_admin(
    world: World, settings
) -> None:
    settings.MFA_REQUIRED_ROLES = ["admin"]
    for client in (password_login(world.admin), client_for(with_totp(world.admin))):
        for url in ("/admin/", "/admin/login/", "/admin/patients/patient/"):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/compte/2fa/"), url


def test_staff_who_passed_the_site_login_and_the_code_reach_the_admin(
    world: World, settings
) -> None:
    settings.MFA_REQUIRED_ROLES = ["admin"]
    client = full_login(with_totp(world.admin))
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/login/?next=/admin/patients/patient/")
    assert response["Location"] == "/admin/patients/patient/"


def test_a_signed_in_user_who_is_not_staff_gets_a_refusal_not_a_login_form(
    world: World,
) -> None:
    client = client_for(world.gp)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert 'type="password"' not in response.content.decode()
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 403


def test_the_site_login_leads_staff_back_to_the_admin(world: World) -> None:
    client = Client()
    login = client.get("/admin/", follow=True).redirect_chain[-1][0]
    response = client.post(login, {"login": world.admin.email, "password": PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
