"""Redis unreachable: the shared cache degrades (reads miss, writes are dropped, a warning is
logged) instead of turning the login and the dashboard into error pages. With Redis there,
the same backend is Django's RedisCache."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from labparcours import settings as project_settings
from tests.conftest import World, client_for
from tests.factories import PASSWORD

# Nothing listens on port 1: every connection is refused at once.
DEAD = {
    "default": {
        "BACKEND": "labparcours.cache.TolerantRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def dead_redis(settings) -> None:
    settings.CACHES = DEAD
    settings.ACCOUNT_RATE_LIMITS = project_settings.ACCOUNT_RATE_LIMITS


def test_reads_miss_and_writes_are_dropped(dead_redis, caplog) -> None:
    cache = caches["default"]
    with caplog.at_level(logging.WARNING, logger="labparcours.cache"):
        cache.set("login:someone@example.org", 3, 60)
        assert cache.get("login:someone@example.org", "missing") == "missing"
        assert cache.add("a", 1) is True  # a lock "taken": rate limits open, not shut
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("a") is False
        with pytest.raises(ValueError, match="unreachable"):
            cache.incr("a")
        cache.delete("a")
    assert "Cache unreachable (set): ConnectionError" in caplog.text
    assert "someone@example.org" not in caplog.text  # keys may name a user


def test_people_still_log_in(dead_redis, world: World) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": world.coordinator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.coordinator.pk)


def test_the_dashboard_shows_its_figures(dead_redis, world: World) -> None:
    response = client_for(world.coordinator).get(reverse("patients:dashboard"))
    assert response.status_code == 200
    assert response.context["stats"]["included"] >= 1  # counted, not read from the cache


def test_with_redis_there_it_is_a_cache(needs_redis: str, settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "labparcours.cache.TolerantRedisCache",
            "LOCATION": needs_redis,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        }
    }
    cache = caches["default"]
    cache.set("figure", 42, 30)
    assert cache.get("figure") == 42
    assert cache.add("figure", 1) is False
    assert cache.incr("figure") == 43
    cache.set("forever", 1, None)  # None: no expiry, as Django means it
    assert cache.get("forever") == 1
    cache.delete_many(["figure", "forever"])
    assert cache.get("figure") is None
