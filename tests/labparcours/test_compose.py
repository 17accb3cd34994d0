"""The compose file runs the programme on several replicas safely: migrations once, before
anything starts; web and worker replicated against one PostgreSQL and Redis; beat replicated
but scheduling once (its lock); a health check for every long-running service, each naming a
check `scripts/healthcheck.py` knows; only the proxy published, on the host's loopback."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from django.conf import settings

from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
LONG_RUNNING = ("postgres", "redis", "web", "proxy", "worker", "beat")
APPLICATION = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


@pytest.fixture(scope="module")
def healthcheck() -> ModuleType:
    return load_script("healthcheck")


def default_of(value: object) -> str:
    """`${NAME:-default}` → default, as compose reads it when .env leaves NAME out."""
    match = re.fullmatch(r"\$\{\w+:-([^}]*)\}", str(value))
    return match.group(1) if match else str(value)


def test_migrations_run_once_before_any_replica_starts(services: dict) -> None:
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert "migrate --noinput" in " ".join(migrate["command"])
    for name in APPLICATION:
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
        assert "migrate" not in " ".join(map(str, services[name]["command"])), name


def test_web_worker_and_beat_run_several_replicas(services: dict) -> None:
    for name in APPLICATION:
        assert int(default_of(services[name]["deploy"]["replicas"])) >= 2, name


def test_beat_replicas_share_one_lock_in_redis(services: dict) -> None:
    command = services["beat"]["command"]
    assert "beat" in command
    assert "-s" not in command  # no schedule file on a local volume
    assert "volumes" not in services["beat"] or not any(
        "beat" in str(volume) for volume in services["beat"]["volumes"]
    )


def test_every_long_running_service_has_a_health_check(services: dict, healthcheck) -> None:
    for name in LONG_RUNNING:
        assert services[name].get("healthcheck", {}).get("test"), name
    for name in APPLICATION:
        test = services[name]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "scripts/healthcheck.py"], name
        mode = test[3]
        assert mode == {"web": "web", "worker": "worker", "beat": "beat"}[name]
    assert healthcheck.main(["nothing-of-the-kind"]) == 2


def test_only_the_proxy_is_published_and_on_the_loopback(services: dict) -> None:
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    (port,) = services["proxy"]["ports"]
    assert default_of(port.split(":8080")[0]).startswith("127.0.0.1:")


def test_the_trusted_proxies_are_the_compose_network(services: dict) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    (subnet,) = compose["networks"]["default"]["ipam"]["config"]
    trusted = services["web"]["environment"]["LABPARCOURS_TRUSTED_PROXIES"]
    assert default_of(trusted) == default_of(subnet["subnet"])


def test_the_proxy_lets_through_the_largest_upload_the_application_takes() -> None:
    conf = (ROOT / "deploy/nginx.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert megabytes * 1024 * 1024 > settings.LABPARCOURS_UPLOAD_MAX_BYTES
    # Paths only in the proxy's log: query strings may carry search terms about patients.
    for variable in ("$request_uri", "$args", '"$request"'):
        assert variable not in conf


def test_the_beat_check_follows_the_lock(needs_redis: str, healthcheck, monkeypatch) -> None:
    import redis
    from redbeat.schedulers import RedBeatConfig

    from labparcours.celery import app

    monkeypatch.setitem(app.conf, "redbeat_redis_url", needs_redis)
    key = RedBeatConfig(app).lock_key
    assert key.startswith("labparcours:beat:")
    client = redis.Redis.from_url(needs_redis)
    client.delete(key)
    assert healthcheck.check_beat() == 1
    client.set(key, "a beat", ex=30)
    try:
        assert healthcheck.check_beat() == 0
    finally:
        client.delete(key)


def _database_user(service: dict) -> str:
    url = str(service["environment"]["DATABASE_URL"])
    match = re.match(r"postgres://(\$\{[^}]*\}|[^:]+):", url)
    assert match, url
    return default_of(match.group(1))


def test_the_application_connects_as_a_role_that_owns_nothing(services: dict) -> None:
    """`migrate` runs as the tables' owner and grants the application's role; the web, the
    workers and beat connect as that role, so that none of them can drop, truncate or disarm
    a ledger (`labparcours.db_roles`)."""
    owner = default_of(services["postgres"]["environment"]["POSTGRES_USER"])
    migrate = services["migrate"]
    assert _database_user(migrate) == owner
    command = " ".join(migrate["command"])
    assert command.index("migrate --noinput") < command.index("grant_application_role")
    assert "--password-env POSTGRES_APP_PASSWORD" in command
    app_role = default_of(migrate["environment"]["POSTGRES_APP_USER"])
    assert app_role != owner
    assert f"${{POSTGRES_APP_USER:-{app_role}}}" in command
    for name in APPLICATION:
        assert _database_user(services[name]) == app_role, name
    # Everything else the application's services are told, `migrate` is told too.
    shared = set(services["web"]["environment"]) - {"DATABASE_URL"}
    assert shared <= set(migrate["environment"])
