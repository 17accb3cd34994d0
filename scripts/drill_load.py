"""Load drill, on the real PostgreSQL (run by CI after the backup drill; by hand:
`.venv/bin/python scripts/drill_load.py`).

It seeds a database of its own with the demo programme and a few hundred synthetic patients,
serves it with gunicorn as production does (2 workers, DEBUG off, on 127.0.0.1), opens a
session for four demo accounts (coordinator, GP, nurse, patient) and loads, from a second
process (`benchmarks/load.py`, 4 clients, bounded in time), the pages each of them uses, in
turn, interleaved with the same load on a trivial view (`/healthz/`): trivial, mix, trivial,
mix, so that a noisy machine weighs on both alike.

It fails on any answer but a 200 (a redirect to the login page means a session broke), and on
a 95th percentile over SANITY_P95_MS: a bound that only a broken server misses, never a
performance target (CI machines are too noisy for one). It prints the requests/s, median and
95th percentile of each role, of the whole mix and of the trivial view, and the mix's share of
the trivial view's requests/s. The database is dropped and the server stopped at the end,
on failure too. SECURITY.md, « Under load », states what this proves.

The pages' addresses carry ids only (never a name); the answers are read and thrown away.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import pool  # noqa: E402 — the project's root, put on the path above

DATABASE = "labparcours_drill_load"
# The Redis database of the drill's cache (the one production uses); cleared when it starts.
REDIS_DB = 12
SYNTHETIC_PATIENTS = 300
SANITY_P95_MS = 5000
# The demo accounts whose sessions load the pages (README, « Demo accounts »).
ACCOUNTS = {
    "coordinator": "coordinatrice@demo.test",
    "GP": "medecin@demo.test",
    "nurse": "infirmiere@demo.test",
    "patient": "patient@demo.test",
}
TRIVIAL = "/healthz/"


class DrillFailed(Exception):
    pass


# --- In a child process, with the server's settings -------------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labparcours.settings")
    django.setup()


def collectstatic() -> None:
    """The static files under their hashed names, from the manifest the pages read (as
    production's storage writes them), without its gzip and brotli copies: they change how
    the bytes travel, not which names resolve, and would take half a minute (the drill loads
    pages, not static files). tests/conftest.py skips them likewise."""
    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}):
        call_command("collectstatic", "--noinput", "-v0")


def prepare() -> None:
    """Print the mix as JSON: for each demo account, a session opened server-side (as a login
    would) and the pages that role uses, with ids of patients in that user's scope."""
    _setup()
    from django.core.cache import cache

    from labparcours.models import User

    cache.clear()
    plan = []
    for role, email in ACCOUNTS.items():
        user = User.objects.get(email=email)
        cookie = f"sessionid={_session_for(user)}"
        pages = _patient_side_pages(user) if role == "patient" else _professional_pages(user)
        plan += [
            {"label": f"{role} {name}", "path": path, "cookie": cookie} for name, path in pages
        ]
    print(json.dumps(plan))


def _session_for(user: Any) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def _professional_pages(user: Any) -> list[tuple[str, str]]:
    """Home, the lists, and one patient of the user's scope who has a SIC and a care plan:
    the patient's page, SIC, plan and team thread."""
    from django.urls import reverse

    from careplans.selectors import visible_plans
    from labparcours.roles import HOME_URL_NAME, PROGRAMME_STAFF
    from sic.selectors import visible_sics

    sics = visible_sics(user)
    plan = visible_plans(user).filter(patient__in=sics.values("patient")).order_by("-pk").first()
    if plan is None:
        raise DrillFailed(f"{user.email} has no patient with a SIC and a care plan in scope")
    patient = plan.patient_id
    sic = sics.filter(patient=patient).order_by("-pk").values_list("pk", flat=True)[0]
    pages = [("home", reverse(HOME_URL_NAME[user.role]))]
    if user.role in PROGRAMME_STAFF:
        pages += [
            ("dashboard page 2", reverse("patients:dashboard") + "?page=2"),
            ("SIC calendar", reverse("sic:list")),
            ("breaks", reverse("patients:breaks")),
        ]
    else:
        pages += [("my actions", reverse("careplans:my_actions"))]
    return [
        *pages,
        ("patient", reverse("patients:detail", args=[patient])),
        ("SIC", reverse("sic:detail", args=[sic])),
        ("care plan", reverse("careplans:detail", args=[plan.pk])),
        ("team thread", reverse("threads:thread", args=[patient, "equipe"])),
        ("notifications", reverse("notifications")),
    ]


def _patient_side_pages(user: Any) -> list[tuple[str, str]]:
    from django.urls import reverse

    return [
        ("my record", reverse("patients:my_record")),
        ("my care plan", reverse("careplans:my_plan")),
        ("messages", reverse("threads:mine")),
        ("who accessed my record", reverse("patients:my_access_log")),
        ("notifications", reverse("notifications")),
    ]


# --- The drill ----------------------------------------------------------------------------


def _environment(work: Path, database_url: str, redis_url: str, port: int) -> dict[str, str]:
    """The server's environment: production's settings (DEBUG off, two-factor aside: the
    sessions are opened without a login), on the drill's database, folders and port."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="drill-only-not-secret-3b8e2f6a1d4c9e7b5a0f2d8c6e4b1a9f",  # noqa: S106
        DJANGO_DEBUG="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        LABPARCOURS_MFA_REQUIRED_ROLES="",
        LABPARCOURS_PSEUDONYM_KEY="drill-only-pseudonym-key",
        LABPARCOURS_VAR_DIR=str(work / "var"),
        DJANGO_STATIC_ROOT=str(work / "static"),
        DJANGO_PRIVATE_MEDIA_ROOT=str(work / "private"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_LOG_LEVEL="warning",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _python(*args: str, env: Mapping[str, str]) -> str:
    """The output of this interpreter running `args` in the project (a manage.py command…)."""
    done = subprocess.run(  # noqa: S603 — this interpreter and the project's own files
        [sys.executable, *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise DrillFailed(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def _database(host: str, port: int, name: str) -> Iterator[str]:
    """A fresh database, dropped on the way out (its connections closed first)."""
    from drill_support import admin_sql

    def admin(sql: str) -> None:
        admin_sql(host, port, sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@{host}:{port}/{name}"
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped {name}")


def _redis_url(url: str) -> str:
    """`url` when its Redis answers, else "" (the cache then lives in each worker's memory)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 6379), timeout=1):
            return url
    except OSError:
        return ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, cookie: str = "") -> int:
    """The status of one GET, redirects not followed (a redirect is a failure here)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 — 127.0.0.1
    try:
        with opener.open(request, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@contextmanager
def _gunicorn(env: Mapping[str, str], base: str, log: Path) -> Iterator[None]:
    with log.open("w") as errors:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=dict(env),
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        deadline = time.monotonic() + 60
        while _get(base + TRIVIAL) != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise DrillFailed(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        print("gunicorn stopped")


def _load(base: str, *, seconds: float, concurrency: int, plan: Path | None) -> dict[str, Any]:
    """One load from a second process: the mix of `plan`, or the trivial view."""
    target = ["--plan", str(plan), base] if plan else [base + TRIVIAL]
    done = subprocess.run(  # noqa: S603 — this interpreter and the project's load tool
        [
            sys.executable,
            "-m",
            "benchmarks.load",
            *target,
            "--seconds",
            str(seconds),
            "--concurrency",
            str(concurrency),
            "--raw",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise DrillFailed(f"the load tool failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _role(label: str) -> str:
    return label.split(" ", 1)[0]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def report(mixes: list[dict[str, Any]], trivials: list[dict[str, Any]], pages: int) -> list[str]:
    """The summary table, and the failures (errors, a 95th percentile over the sanity bound)."""
    mix, trivial = pool(mixes), pool(trivials)
    roles = pool(mixes, _role)["labels"]
    ratio = statistics.median(
        m["rps"] / max(t["rps"], 1e-9) for m, t in zip(mixes, trivials, strict=True)
    )
    rows = [
        *((f"{role} ({count} pages)", roles.get(role)) for role, count in _pages_per_role(mix)),
        (f"mix, {len(ACCOUNTS)} roles ({pages} pages)", mix),
        (f"trivial view {TRIVIAL}", trivial),
    ]
    print("\n| what | requests | req/s | p50 ms | p95 ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, figures in rows:
        figures = figures or {"requests": 0, "rps": 0, "p50_ms": None, "p95_ms": None, "errors": 0}
        print(
            f"| {name} | {figures['requests']} | {figures['rps']:.1f} | {_ms(figures['p50_ms'])} "
            f"| {_ms(figures['p95_ms'])} | {figures['errors']} |"
        )
    slowest = sorted(mix["labels"].items(), key=lambda item: -(item[1]["p95_ms"] or 0))[:3]
    print(
        f"\nmix ÷ trivial view, requests/s: {ratio:.2f} (median of {len(mixes)} interleaved "
        f"pairs); slowest pages by p95: "
        + ", ".join(f"{label} {_ms(figures['p95_ms'])} ms" for label, figures in slowest)
    )
    failures = []
    for name, figures in rows:
        if figures is None or figures["requests"] == 0:
            failures.append(f"{name}: no successful request")
        elif figures["p95_ms"] > SANITY_P95_MS:
            failures.append(f"{name}: p95 {figures['p95_ms']:.0f} ms, over {SANITY_P95_MS} ms")
    errors = mix["errors"] + trivial["errors"]
    if errors:
        failures.append(
            f"{errors} errors ({', '.join(mix['error_kinds'] + trivial['error_kinds'])}), "
            f"e.g. {'; '.join(mix['error_examples'] + trivial['error_examples'])}"
        )
    return failures


def _pages_per_role(mix: dict[str, Any]) -> list[tuple[str, int]]:
    return [(role, sum(1 for label in mix["labels"] if _role(label) == role)) for role in ACCOUNTS]


def drill(args: argparse.Namespace) -> list[str]:
    work = Path(tempfile.mkdtemp(prefix="labparcours-drill-load-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    redis_url = _redis_url(args.redis_url)
    if not redis_url and os.environ.get("LABPARCOURS_STRICT_SERVICES") == "1":
        return [f"LABPARCOURS_STRICT_SERVICES=1 but no Redis answers at {args.redis_url}"]
    try:
        with _database(args.pg_host, args.pg_port, args.database) as database_url:
            env = _environment(work, database_url, redis_url, port)
            # Seeded as the backup drill seeds (DEBUG on: the demo's SEPA account and its
            # e-mails need no configuration), then served with DEBUG off.
            seeding = {**env, "DJANGO_DEBUG": "1", "CELERY_TASK_ALWAYS_EAGER": "1"}
            scale = ["--patients", str(SYNTHETIC_PATIENTS), "--force"]
            steps = {
                "migrate": ("manage.py", "migrate", "-v0"),
                "seed_demo": ("manage.py", "seed_demo"),
                "seed_scale": ("manage.py", "seed_scale", *scale),
            }
            took = []
            for name, command in steps.items():
                started = time.perf_counter()
                _python(*command, env=seeding)
                took.append(f"{name} {time.perf_counter() - started:.0f} s")
            _python(__file__, "collectstatic", env=env)
            plan = json.loads(_python(__file__, "prepare", env=env))
            (work / "plan.json").write_text(json.dumps(plan))
            print(
                f"{args.database}: the demo and {SYNTHETIC_PATIENTS} synthetic patients "
                f"({', '.join(took)}); cache: "
                f"{'Redis ' + redis_url if redis_url else 'local memory (no Redis answered)'}"
            )
            with _gunicorn(env, base, work / "gunicorn.log"):
                return _load_and_report(args, base, plan, work / "plan.json")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _load_and_report(
    args: argparse.Namespace, base: str, plan: list[dict[str, str]], plan_file: Path
) -> list[str]:
    # Each page once, in turn: a page that does not answer 200 fails here, named.
    broken = [
        f"{item['label']} {item['path']} {status}"
        for item in plan
        if (status := _get(base + item["path"], item["cookie"])) != 200
    ]
    if broken:
        return [f"pages not answering 200 before the load: {'; '.join(broken)}"]
    print(
        f"gunicorn 2 workers on {base}; {args.concurrency} clients; {args.rounds} rounds of "
        f"{TRIVIAL} {args.trivial_seconds:g} s then the mix ({len(plan)} pages) "
        f"{args.mix_seconds:g} s"
    )
    mixes, trivials = [], []
    for _ in range(args.rounds):
        trivials.append(
            _load(base, seconds=args.trivial_seconds, concurrency=args.concurrency, plan=None)
        )
        mixes.append(
            _load(base, seconds=args.mix_seconds, concurrency=args.concurrency, plan=plan_file)
        )
        print(
            f"  round {len(mixes)}: trivial {trivials[-1]['rps']:.1f} req/s, "
            f"mix {mixes[-1]['rps']:.1f} req/s, p95 {_ms(mixes[-1]['p95_ms'])} ms, "
            f"errors {trivials[-1]['errors'] + mixes[-1]['errors']}"
        )
    return report(mixes, trivials, len(plan))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "step", nargs="?", choices=["collectstatic", "prepare"], help=argparse.SUPPRESS
    )
    parser.add_argument("--pg-host", default=os.environ.get("PG_HOST", "127.0.0.1"))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("PG_PORT", "5432")))
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument(
        "--redis-url",
        default=f"redis://{os.environ.get('REDIS_HOST', '127.0.0.1')}:"
        f"{os.environ.get('REDIS_PORT', '6379')}/{REDIS_DB}",
    )
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--mix-seconds", type=float, default=16)
    parser.add_argument("--trivial-seconds", type=float, default=8)
    args = parser.parse_args()
    if args.step:
        {"collectstatic": collectstatic, "prepare": prepare}[args.step]()
        return 0
    # CI stopping the job (SIGTERM) still stops the server and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.perf_counter()
    try:
        failures = drill(args)
    except DrillFailed as error:
        failures = [str(error)]
    print(f"wall time {time.perf_counter() - began:.0f} s")
    if failures:
        print("DRILL FAILED: " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("load drill passed: 0 errors; p95 under the sanity bound of 5 s (not a target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
