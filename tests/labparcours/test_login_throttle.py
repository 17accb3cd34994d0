"""Failed logins are throttled per (account, address) and per address: an attacker who
knows a clinician's e-mail address cannot lock them out from elsewhere."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from labparcours import settings as project_settings
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"
TOO_MANY = "Trop de tentatives de connexion échouées"


@pytest.fixture(autouse=True)
def _production_limits(settings: pytest.FixtureRequest) -> None:
    """The limits the project ships with, on a cache that no other test has used."""
    settings.ACCOUNT_RATE_LIMITS = project_settings.ACCOUNT_RATE_LIMITS
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"throttle-{uuid.uuid4()}",
        }
    }


def attempt(address: str, email: str, password: str) -> tuple[Client, str]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return client, response.content.decode()


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(world: World) -> None:
    for _ in range(20):
        attempt(ATTACKER, world.gp.email, "guess")
    client, _page = attempt(OWNER, world.gp.email, PASSWORD)
    assert client.session["_auth_user_id"] == str(world.gp.pk)


def test_it_throttles_the_attackers_address_on_that_account(world: World) -> None:
    for _ in range(5):
        _client, page = attempt(ATTACKER, world.gp.email, "guess")
        assert TOO_MANY not in page
    client, page = attempt(ATTACKER, world.gp.email, PASSWORD)
    assert TOO_MANY in page
    assert "_auth_user_id" not in client.session


def test_it_throttles_an_address_that_tries_many_accounts(db: None) -> None:
    victims = UserFactory.create_batch(11)
    for victim in victims[:10]:
        _client, page = attempt(ATTACKER, victim.email, "guess")
        assert TOO_MANY not in page
    client, page = attempt(ATTACKER, victims[10].email, PASSWORD)
    assert TOO_MANY in page
    assert "_auth_user_id" not in client.session
