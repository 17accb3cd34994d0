"""The client's address behind the reverse proxy: believed from trusted proxies only, and the
same for the access log and the login rate limits."""

import pytest
from django.test import Client
from django.urls import reverse

from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for

PROXY = "10.0.0.5"
CLIENT = "203.0.113.7"


def recorded_ip(world: World, **meta: str) -> str | None:
    client_for(world.gp).get(f"/patients/{world.own.pk}/", **meta)
    return AccessLogEntry.objects.filter(user=world.gp).latest("at").ip_address


def test_it_records_the_forwarded_address_from_a_trusted_proxy(world: World, settings) -> None:
    settings.LABPARCOURS_TRUSTED_PROXIES = [PROXY]
    assert recorded_ip(world, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT) == CLIENT


def test_it_ignores_a_forwarded_address_from_anyone_else(world: World, settings) -> None:
    settings.LABPARCOURS_TRUSTED_PROXIES = [PROXY]
    spoofer = "198.51.100.9"
    assert recorded_ip(world, REMOTE_ADDR=spoofer, HTTP_X_FORWARDED_FOR=CLIENT) == spoofer


def test_it_trusts_no_proxy_by_default(world: World, settings) -> None:
    assert settings.LABPARCOURS_TRUSTED_PROXIES == []
    assert recorded_ip(world, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT) == PROXY


def test_it_takes_the_right_most_untrusted_address_of_a_chain(world: World, settings) -> None:
    settings.LABPARCOURS_TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.10", "2001:db8::/32"]
    # The client wrote the first address itself; the proxies appended the others.
    chain = f"1.2.3.4, {CLIENT}, 192.0.2.10, 10.0.0.9"
    assert recorded_ip(world, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain) == CLIENT
    chain = "2001:db8::1, 2001:db8::2"  # only proxies: the first of them made the request
    assert recorded_ip(world, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain) == "2001:db8::1"


def test_a_garbled_forwarded_address_is_never_recorded(world: World, settings) -> None:
    settings.LABPARCOURS_TRUSTED_PROXIES = [PROXY]
    forged = f"{CLIENT}, <script>"
    assert recorded_ip(world, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged) == PROXY


def test_the_login_limit_counts_each_client_behind_the_proxy(
    world: World, settings, password: str
) -> None:
    settings.LABPARCOURS_TRUSTED_PROXIES = [PROXY]
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    login = reverse("account_login")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(4):
        attacker.post(login, {"login": "nurse@example.test", "password": "x"})
    blocked = attacker.post(login, {"login": "nurse@example.test", "password": password})
    assert "_auth_user_id" not in attacker.session
    assert "Trop de tentatives" in blocked.content.decode()
    # Another client, through the same proxy, is not blocked by the attacker's failures.
    clinician = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    clinician.post(login, {"login": "gp@example.test", "password": password})
    assert "_auth_user_id" in clinician.session


@pytest.mark.parametrize("entry", ["10.0.0.300", "proxy.example.org"])
def test_a_malformed_trusted_proxy_setting_is_refused(world: World, settings, entry) -> None:
    from django.core.exceptions import ImproperlyConfigured
    from django.test import RequestFactory

    from labparcours.access import client_ip

    settings.LABPARCOURS_TRUSTED_PROXIES = [entry]
    with pytest.raises(ImproperlyConfigured, match="LABPARCOURS_TRUSTED_PROXIES"):
        client_ip(RequestFactory().get("/", REMOTE_ADDR=PROXY))


@pytest.mark.parametrize("entry", ["10.0.0.300", "proxy.internal"])
def test_a_malformed_trusted_proxy_setting_stops_the_start(settings, entry) -> None:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.LABPARCOURS_TRUSTED_PROXIES = [entry]
    with pytest.raises(SystemCheckError, match="LABPARCOURS_TRUSTED_PROXIES"):
        call_command("check")
