"""Page throughput under load: gunicorn with 2 workers, as production runs it (DEBUG off), on
a database of its own written by `seed_scale` and committed (the other benchmarks' data lives
in a transaction no server can see), loaded from a second process on 127.0.0.1 with a bounded
number of clients (`benchmarks/load.py`); the dashboard against a trivial view (`/healthz/`),
interleaved. The database is dropped at the end."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection

from benchmarks import harness

SCALE = int(os.environ.get("BENCH_SCALE", "1"))
PATIENTS = int(os.environ.get("BENCH_PATIENTS", 10_000 * SCALE))
CONCURRENCY = 4
SECONDS = 6

SESSION = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from labparcours.models import User
user = User.objects.get(email__startswith="coordination0.")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def _run(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 — this interpreter and the project's own commands
        [sys.executable, *args], cwd=harness.ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _admin_sql(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.fixture(scope="module")
def served(
    django_db_setup, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the benchmark under load runs on PostgreSQL (set DATABASE_URL)")
    database = connection.settings_dict
    name = f"{database['NAME']}_load"
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{name}"
    )
    port = _free_port()
    static_root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "LABPARCOURS_MFA_REQUIRED_ROLES": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_LOG_LEVEL": "warning",
        "DJANGO_STATIC_ROOT": str(static_root),
    }
    with django_db_blocker.unblock():
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
        _admin_sql(f'CREATE DATABASE "{name}"')
    server = None
    try:
        start = time.perf_counter()
        _run("manage.py", "collectstatic", "--noinput", "-v0", env=env)
        _run("manage.py", "migrate", "-v0", env=env)
        _run("manage.py", "seed_scale", "--patients", str(PATIENTS), env=env)
        session_key = _run("manage.py", "shell", "-c", SESSION, env=env).strip().splitlines()[-1]
        print(f"\n{PATIENTS} patients in {name} in {time.perf_counter() - start:.0f} s")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=harness.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(120):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}", f"sessionid={session_key}"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with django_db_blocker.unblock():
            _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load(url: str, cookie: str, seconds: float = SECONDS) -> dict:
    """A load from a second process (benchmarks/load.py), bounded to CONCURRENCY clients."""
    out = _run(
        "-m",
        "benchmarks.load",
        url,
        "--seconds",
        str(seconds),
        "--concurrency",
        str(CONCURRENCY),
        "--cookie",
        cookie,
        env=dict(os.environ),
    )
    return json.loads(out)


def test_the_dashboard_under_load(benchmark, served) -> None:
    base, cookie = served
    warm = _load(f"{base}/coordination/", cookie, seconds=2)
    assert warm["requests"] > 0, warm
    row = harness.throughput(
        f"coordinator dashboard under load, gunicorn 2 workers ({SCALE}×)",
        full=lambda: _load(f"{base}/coordination/", cookie),
        floor=lambda: _load(f"{base}/healthz/", cookie),
        floor_is=f"a trivial view (/healthz/), same load ({CONCURRENCY} clients, {SECONDS} s)",
        min_share=0.25,
        notes={"patients": PATIENTS, "concurrency": CONCURRENCY, "seconds": SECONDS},
    )
    benchmark.extra_info.update(ratio=row.ratio)
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
