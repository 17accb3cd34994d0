"""Test settings and the `world` fixtures (tests/factories.py tells what a world holds)."""

from __future__ import annotations

import contextlib
import copy
import datetime
import hashlib
import io
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.test import Client, TransactionTestCase
from django.test.utils import override_settings
from django.utils import timezone
from whitenoise.storage import CompressedManifestStaticFilesStorage

from labparcours.models import User
from tests.factories import PASSWORD, ROLES, World, build_world

__all__ = ["ROLES", "World", "client_for", "need", "soon"]

STRICT = os.environ.get("LABPARCOURS_STRICT_SERVICES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    # The live server of the browser tests speaks plain HTTP, and builds its middleware once
    # per session, before any per-test override applies.
    settings.SECURE_SSL_REDIRECT = False
    try:
        settings.SECRET_KEY  # noqa: B018 — Django refuses an empty key when it is read
    except ImproperlyConfigured:
        settings.SECRET_KEY = "test-only-not-a-secret"
    TransactionTestCase._fixture_teardown = _empty_the_database  # type: ignore[method-assign]
    # A test's commits need not survive a crash of the server: PostgreSQL answers a COMMIT
    # without waiting for its WAL to reach the disk (the tests that commit — the browser's, the
    # concurrency tests, the emptying after them — wait on the disk less). Only this process's
    # sessions; a server or worker the tests start keeps the server's setting.
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


# --- The test databases, cloned from one already migrated ---------------------------------------
#
# Migrating a new test database takes each worker about fifteen seconds of CPU (Django renders
# the project's model states some nine thousand times), for the same result every time. On
# PostgreSQL the first database migrated is kept as a template named after the migrations
# themselves (every app's migration files, hashed): the next sessions, and the other workers
# once it exists, create theirs as a copy of it (CREATE DATABASE … TEMPLATE, about a second),
# and `migrate` then finds nothing to apply. A change to any migration names another template;
# the older ones are dropped when the new one is kept.

TEMPLATE_PREFIX = "labparcours_migrated_"


def _migrated_template_name() -> str:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for key in sorted(loader.disk_migrations):
        module = sys.modules[type(loader.disk_migrations[key]).__module__]
        digest.update(repr(key).encode())
        digest.update(Path(str(module.__file__)).read_bytes())
    return TEMPLATE_PREFIX + digest.hexdigest()[:20]


def _database_exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@dataclass(frozen=True)
class SessionDatabase:
    """How this session's test database comes: copied from `template`, or migrated (and then
    kept as the template) when `template` is None; `fresh` unless kept from an earlier run."""

    template: str | None
    fresh: bool


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    django_db_createdb: bool,
    django_db_blocker,
) -> SessionDatabase | None:
    """Before pytest-django creates the test database: the template to copy it from, when
    one exists (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return None
    template = _migrated_template_name()
    with django_db_blocker.unblock():
        fresh = django_db_createdb or not _database_exists(connection.creation._get_test_db_name())
        if not _database_exists(template):
            return SessionDatabase(template=None, fresh=fresh)
    settings.DATABASES[DEFAULT_DB_ALIAS].setdefault("TEST", {})["TEMPLATE"] = template
    return SessionDatabase(template=template, fresh=fresh)


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_modify_db_settings: SessionDatabase | None, django_db_blocker
) -> None:
    """pytest-django's set-up; then, when the test database was just created and migrated
    rather than copied, it is kept as the template of the next ones. A database kept from an
    earlier run (--reuse-db: the benchmarks' seeded programmes among them) is never copied."""
    database = django_db_modify_db_settings
    if database is None or database.template is not None or not database.fresh:
        return
    template = _migrated_template_name()
    quote = connection.ops.quote_name
    with django_db_blocker.unblock():
        migrated = connection.settings_dict["NAME"]
        connection.close()  # a database is copied only while nobody is connected to it
        with connection._nodb_cursor() as cursor:
            draft = f"{template}_{os.getpid()}"
            cursor.execute(f"CREATE DATABASE {quote(draft)} TEMPLATE {quote(migrated)}")
            try:
                cursor.execute(f"ALTER DATABASE {quote(draft)} RENAME TO {quote(template)}")
            except DatabaseError:  # another worker kept its copy first
                cursor.execute(f"DROP DATABASE {quote(draft)}")
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [TEMPLATE_PREFIX + "%", template],
            )
            for (older,) in cursor.fetchall():
                # Left when another session is copying it right now.
                with contextlib.suppress(DatabaseError):
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(older)}")


# --- After a test that commits: empty tables, as `flush` leaves them --------------------------
#
# Django's flush empties every table with one TRUNCATE, which on PostgreSQL gives each table,
# partition and index a new file: about half a second for the hundred-odd relations, several
# seconds when the disk is busy, after each of the tests that commit. Emptying only the
# tables that hold rows, with DELETE, leaves the same empty tables in a fifth of that time.
# The append-only tables refuse DELETE (their triggers): those are truncated, and only when
# they hold rows. The foreign keys are all deferred (Django's), checked once all is gone.

_flush = TransactionTestCase._fixture_teardown

_RELATIONS = """
SELECT r.oid::regclass::text,
       EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = r.oid AND NOT g.tgisinternal)
  FROM pg_class c
  LEFT JOIN LATERAL pg_partition_tree(c.oid) p ON c.relkind = 'p'
  JOIN pg_class r ON r.oid = COALESCE(p.relid, c.oid)
 WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid) AND r.relkind = 'r'
"""


def _empty_the_database(case: TransactionTestCase) -> None:
    """TransactionTestCase's teardown: the tables emptied, then post_migrate (content types,
    permissions) as `flush` sends it. Django's own flush elsewhere than on PostgreSQL, and
    for the options the suite does not use."""
    connection = connections[DEFAULT_DB_ALIAS]
    if (
        connection.vendor != "postgresql"
        or case.available_apps is not None
        or case.serialized_rollback
        or list(case._databases_names(include_mirrors=False)) != [DEFAULT_DB_ALIAS]
    ):
        _flush(case)
        return
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_RELATIONS, [tables])
        guarded = dict(cursor.fetchall())  # each table or partition: has it a trigger?
        # The names come from the catalog (regclass quotes them where needed).
        held = (f"SELECT %s WHERE EXISTS (SELECT FROM {name})" for name in guarded)  # noqa: S608
        cursor.execute(" UNION ALL ".join(held), list(guarded))
        holding = [name for (name,) in cursor.fetchall()]
        truncated = [name for name in holding if guarded[name]]
        if truncated:
            # CASCADE: the append-only rows that refer to these go with them.
            cursor.execute(f"TRUNCATE {', '.join(truncated)} CASCADE")
        deleted = [name for name in holding if not guarded[name]]
        if deleted:
            cursor.execute("; ".join(f"DELETE FROM {name}" for name in deleted))  # noqa: S608
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)


def need(available: bool, reason: str) -> None:
    """Skip when a real service is absent, or fail under CI's strict flag."""
    if available:
        return
    if STRICT:
        pytest.fail(f"LABPARCOURS_STRICT_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def needs_postgres() -> None:
    need(
        settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        "PostgreSQL is not configured (set DATABASE_URL)",
    )


@pytest.fixture
def needs_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    need(bool(url) and _port_open(6379), "Redis is not configured (set REDIS_URL)")
    return url


# LABPARCOURS_TEST_DB_ROLE=<name>: each test's own statements run as that role, granted as
# production grants the application's role (`labparcours.db_roles`): a role that owns nothing.
# The shared data of a module is written before, as the owner (like `migrate` and the seeds).
# CI runs the application's tests this way, so that a grant missing for what the application
# does fails a test (a page, a ledger append, a row lock), not a deployment.
DB_ROLE = os.environ.get("LABPARCOURS_TEST_DB_ROLE", "")


@pytest.fixture(scope="session", autouse=True)
def _application_role(request: pytest.FixtureRequest) -> str:
    """The role, made and granted once, before any module's shared data opens its transaction
    (autouse, session-wide: it comes first)."""
    if not DB_ROLE:
        return ""
    from labparcours.db_roles import grant_application_role

    request.getfixturevalue("django_db_setup")
    need(connection.vendor == "postgresql", "database roles need PostgreSQL (set DATABASE_URL)")
    with request.getfixturevalue("django_db_blocker").unblock(), connection.cursor() as cursor:
        # A role belongs to the server, shared by the workers' databases: made once.
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {connection.ops.quote_name(DB_ROLE)} NOLOGIN;"
            " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        grant_application_role(DB_ROLE)
    return DB_ROLE


@pytest.fixture(autouse=True)
def _as_application_role(request: pytest.FixtureRequest) -> Iterator[None]:
    names = set(request.fixturenames)
    marked = request.node.get_closest_marker("django_db") is not None
    if not DB_ROLE or not (marked or {"db", "transactional_db", "live_server"} & names):
        yield
        return
    role = request.getfixturevalue("_application_role")
    # After the test's transaction (or its emptying) is set up, and undone before it ends.
    request.getfixturevalue("transactional_db" if _commits(request.node) else "db")
    if request.node.get_closest_marker("owner"):
        yield
        if _commits(request.node):
            # A migration run back and forth re-creates tables and functions without the
            # role's grants: granted again, as `migrate` does in production.
            from labparcours.db_roles import grant_application_role

            grant_application_role(role)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
    try:
        yield
    finally:
        if connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET ROLE")
            except DatabaseError:  # a transaction the test broke: its rollback resets it
                pass


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = "/usr/bin/chromium"
    need(os.path.exists(path) or bool(shutil.which("chromium")), "Debian's chromium is missing")
    return path


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Uploaded files go to a folder of the test, never to the developer's var/."""
    base = tmp_path_factory.mktemp("uploads")
    settings.PRIVATE_MEDIA_ROOT = base / "private"
    settings.MEDIA_ROOT = base / "media"


# Settings of every test. They hold for the whole session (the shared worlds below are built
# outside any test, before any test's own `settings`).
TEST_SETTINGS = {
    "MFA_REQUIRED_ROLES": [],
    "ACCOUNT_RATE_LIMITS": False,
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "CELERY_TASK_ALWAYS_EAGER": True,
    "SECURE_SSL_REDIRECT": False,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # WhiteNoise looks a static file up when it is asked for, instead of listing every
    # collected file each time a test client builds its middleware.
    "WHITENOISE_AUTOREFRESH": True,
    # The programme's account, debited by the payment batches' SEPA files (fictitious).
    "LABPARCOURS_SEPA_DEBTOR_IBAN": "FR7630006000011234567890189",
    "LABPARCOURS_SEPA_DEBTOR_BIC": "AGRIFRPP",
    # The evaluators' export's key (tests/programme/test_evaluator_export.py changes it).
    "LABPARCOURS_PSEUDONYM_KEY": "test-only-pseudonym-key",
    # Tests travel in time with a signed-in client (days, months): sessions do not end on the
    # way. tests/labparcours/test_sessions.py sets the real limits.
    "LABPARCOURS_SESSION_IDLE_MINUTES": 10 * 365 * 24 * 60,
    "SESSION_COOKIE_AGE": 10 * 365 * 24 * 3600,
}


class CollectedStaticFiles(CompressedManifestStaticFilesStorage):
    """Production's static-files storage (settings.STORAGES), hashed names read from the
    manifest that collectstatic writes: a template naming a static file that does not exist
    fails its test ("Missing staticfiles manifest entry"), as the page would fail in
    production. Only the gzip and brotli copies are skipped: they change how the bytes travel,
    not which names resolve, and would take a minute per session."""

    def compress_files(self, paths: object) -> Iterator[tuple[str, str]]:
        return iter(())


@pytest.fixture(scope="session", autouse=True)
def _session_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """TEST_SETTINGS, and the static files collected once into a folder of the session."""
    override = override_settings(
        **TEST_SETTINGS,
        STATIC_ROOT=tmp_path_factory.mktemp("static"),
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "tests.conftest.CollectedStaticFiles"},
        },
    )
    override.enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    yield
    override.disable()


@pytest.fixture(scope="session")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The OpenAPI schema as `manage.py spectacular` writes it, validated, and failing on a
    warning (an endpoint the generator cannot describe fails here). Written once per session:
    it says what the code declares, whatever the data."""
    import yaml

    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


@pytest.fixture(autouse=True)
def _test_settings(settings: pytest.FixtureRequest) -> None:
    # TEST_SETTINGS hold from `_session_settings`; what a test changes through `settings` or
    # override_settings is undone after it. Each test starts with an empty cache (the
    # dashboard's figures are cached for minutes).
    from django.core.cache import cache

    cache.clear()
    try:
        settings.SECRET_KEY  # noqa: B018 — Django refuses an empty key when it is read
    except ImproperlyConfigured:
        settings.SECRET_KEY = "test-only-not-a-secret"


# --- The world: shared by the tests of a module, or fresh ---------------------------------------
#
# `world` is built once per test module inside a transaction rolled back when the module ends.
# Each test runs in a savepoint of it (pytest-django's `db`), so its writes are undone before
# the next test, and gets its own deep copy of the instances, so that what it changes in
# memory does not reach the next test either (as Django's TestCase.setUpTestData does).
# A module dresses the shared world further by overriding `module_world` (module scope).
#
# `fresh_world` is built inside the test, for tests that commit (transaction=True,
# transactional_db, live_server): they cannot run inside the module's transaction.


def _commits(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return transactional or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


def _stretch(item: pytest.Item) -> tuple[object, bool]:
    return getattr(item, "module", None), _commits(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """pytest-django has put the tests in a transaction first, those that commit next. Within
    each stretch of one module's tests of one kind, those asking for `world` run last: no
    other test of the module runs while the shared rows exist."""
    ordered: list[pytest.Item] = []
    start = 0
    for end in range(1, len(items) + 1):
        if end == len(items) or _stretch(items[end]) != _stretch(items[start]):
            stretch = items[start:end]
            ordered += sorted(stretch, key=lambda item: "world" in item.fixturenames)
            start = end
    items[:] = ordered


# The transaction holding the shared world now, and the blocker that lets it be closed.
_open: list[tuple[transaction.Atomic, object]] = []


def _close_shared_world() -> None:
    while _open:
        outer, blocker = _open.pop()
        with blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # A module's tests that commit may come right after its tests in a transaction, before
    # pytest ends the module: its shared world goes first.
    if _commits(item):
        _close_shared_world()


@pytest.fixture(scope="module")
def module_world(
    django_db_setup: None, django_db_blocker, _session_settings: None
) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        _open.append((outer, django_db_blocker))
    try:
        with django_db_blocker.unblock():
            world = build_world()
    except BaseException:
        _close_shared_world()
        raise
    yield world
    _close_shared_world()


@pytest.fixture(scope="module")
def module_demo(
    django_db_setup: None,
    django_db_blocker,
    _session_settings: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """The demo programme (`seed_demo`), seeded once per module like the shared world, in a
    transaction rolled back when the module ends; its uploaded files in a folder of the
    module (returned)."""
    folder = tmp_path_factory.mktemp("demo-uploads")
    with override_settings(PRIVATE_MEDIA_ROOT=folder / "private", MEDIA_ROOT=folder / "media"):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            _open.append((outer, django_db_blocker))
        try:
            with django_db_blocker.unblock():
                call_command("seed_demo", stdout=io.StringIO())
        except BaseException:
            _close_shared_world()
            raise
    yield folder
    _close_shared_world()


@pytest.fixture
def demo(request: pytest.FixtureRequest, module_demo: Path, db: None, settings) -> None:
    """The module's demo programme, for this test (in a savepoint, undone after it)."""
    if _commits(request.node):
        pytest.fail("a test that commits cannot use the shared `demo`", pytrace=False)
    settings.PRIVATE_MEDIA_ROOT = module_demo / "private"
    settings.MEDIA_ROOT = module_demo / "media"


@pytest.fixture
def world(request: pytest.FixtureRequest, module_world: World, db: None) -> World:
    """The module's world, for this test: its rows as built, its instances a copy."""
    if _commits(request.node):
        pytest.fail(
            "a test that commits cannot use the shared `world`: ask for `fresh_world`",
            pytrace=False,
        )
    return copy.deepcopy(module_world)


@pytest.fixture(scope="module")
def role_sessions(module_world: World, django_db_blocker) -> dict[str, str]:
    """A session of each role's user in the module's world, opened once with it (a test's
    requests change theirs only in the test's savepoint): logging in is a sixth of the time of
    a permission matrix's test (tests/matrix.py)."""
    with django_db_blocker.unblock():
        return {role: client_for(module_world.user(role)).session.session_key for role in ROLES}


@pytest.fixture
def fresh_world(db: None) -> World:
    """A world built inside the test, for the tests that commit."""
    return build_world()


def soon(days: int = 10, hour: int = 14) -> datetime.datetime:
    """An aware date and time `days` ahead, at `hour` in Paris."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def sics(world: World) -> dict:
    """A scheduled SIC for the own patient and for the other one."""
    from sic.services import sic_ensure_planned, sic_schedule

    return {
        target: sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon())
        for target, patient in (("own", world.own), ("other", world.other))
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`committed(action)`: run it, then what it left for after its commit (the sending of
    its notifications, its e-mails), as production would once the request's transaction
    commits."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def started_sics(sics: dict) -> dict:
    """The same SICs, their time come an hour ago: they may be recorded as held."""
    from tests.factories import started

    return {target: started(sic) for target, sic in sics.items()}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD
