"""Sessions end when left idle, when too old, when the account is deactivated (tokens too) and,
for the other sessions, when the password changes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from labparcours.models import ApiToken, User
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

HOME = "/mes-patients/"


def signed_in(client: Client) -> bool:
    return client.get(HOME, secure=True).status_code == 200


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)) as t:
        yield t


def test_a_session_left_idle_ends_and_says_so(world: World, clock, settings) -> None:
    settings.LABPARCOURS_SESSION_IDLE_MINUTES = 30
    client = client_for(world.gp)
    assert signed_in(client)
    clock.shift(datetime.timedelta(minutes=29))
    assert signed_in(client)  # used again: the idle clock starts over
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get(HOME, secure=True, follow=True)
    assert response.redirect_chain[0][0].startswith("/compte/login/?next=/mes-patients/")
    assert "Votre session a pris fin" in response.content.decode()
    assert not signed_in(client)


def test_polling_does_not_keep_a_session_alive(world: World, clock, settings) -> None:
    settings.LABPARCOURS_SESSION_IDLE_MINUTES = 30
    client = client_for(world.gp)
    assert signed_in(client)
    for _ in range(6):
        clock.shift(datetime.timedelta(minutes=6))
        client.get(HOME, secure=True, headers={"X-Background": "1"})
    assert not signed_in(client)


def test_a_session_ends_after_its_maximum_age_however_busy(world: World, clock, settings) -> None:
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client = client_for(world.gp)
    for _ in range(16):
        assert signed_in(client)
        clock.shift(datetime.timedelta(minutes=29))
    clock.shift(datetime.timedelta(minutes=20))  # 8 h 04 after the first page
    assert not signed_in(client)


def test_the_api_and_htmx_get_their_own_answer_when_the_session_ended(
    world: World, clock, settings
) -> None:
    settings.LABPARCOURS_SESSION_IDLE_MINUTES = 30
    api, page = client_for(world.gp), client_for(world.gp)
    assert api.get("/api/v1/patients/", secure=True).status_code == 200
    assert signed_in(page)
    clock.shift(datetime.timedelta(hours=1))
    response = api.get("/api/v1/patients/", secure=True)
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    response = page.get(HOME, secure=True, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/compte/login/"


def test_deactivating_an_account_ends_its_sessions_and_revokes_its_tokens(world: World) -> None:
    user = User.objects.get(pk=world.gp.pk)
    client = client_for(user)
    token, key = ApiToken.issue(user=user, name="script")
    assert signed_in(client)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not signed_in(client)
    token.refresh_from_db()
    assert token.revoked_at is not None
    user.is_active = True  # back: the old session stays ended
    user.save()
    assert not signed_in(client)
    by_token = Client().get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Token {key}", secure=True)
    assert by_token.status_code == 401


def test_a_password_change_ends_the_other_sessions_only(world: World, password: str) -> None:
    phone, desk = client_for(world.gp), client_for(world.gp)
    assert signed_in(phone)
    assert signed_in(desk)
    new = "un-nouveau-mot-2-passe!"
    response = desk.post(
        "/compte/password/change/",
        {"oldpassword": password, "password1": new, "password2": new},
        secure=True,
    )
    assert response.status_code == 302
    assert signed_in(desk)
    assert not signed_in(phone)
