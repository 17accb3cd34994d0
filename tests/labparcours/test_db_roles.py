"""The application's database role owns nothing: it reads and writes rows, appends to the
ledgers, and can neither change a ledger's rows nor take its guard away (`labparcours.db_roles`,
`manage.py grant_application_role`)."""

from __future__ import annotations

import base64
import datetime
import io
import secrets
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from labparcours.db_roles import (
    ROLE_NAME,
    ensure_login_role,
    grant_application_role,
    ledger_tables,
    scram_verifier,
)
from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for


def _refused(statement: str, params: list[object] | None = None) -> str:
    """The database's refusal of `statement`, run in a savepoint (the test goes on)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError as error:
        return str(error)
    raise AssertionError(f"allowed: {statement}")


def _allowed(statement: str, params: list[object] | None = None) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def app_role(needs_postgres: None, world: World) -> Iterator[str]:
    """A role made for the test (roles belong to the server: a name of its own), granted as
    production grants it; the test's statements run as it. All of it goes with the test's
    transaction."""
    role = f"lp_role_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")  # made by the owner, whatever the suite runs as
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    grant_application_role(role)
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_the_role_does_the_applications_work(app_role: str, world: World) -> None:
    """Pages read and log their reads, a patient's record is changed, a ledger row is locked
    and appended to: all as a role that owns nothing."""
    client = client_for(world.coordinator)
    before = AccessLogEntry.objects.count()
    assert client.get("/coordination/").status_code == 200
    assert client.get(f"/patients/{world.own.pk}/").status_code == 200
    assert client.get("/api/v1/patients/").status_code == 200
    assert AccessLogEntry.objects.count() > before
    world.own.city = "Tulle"
    world.own.save(update_fields=["city"])
    assert _allowed("SELECT id FROM labparcours_accesslogentry ORDER BY id LIMIT 1 FOR UPDATE")
    assert _allowed("SELECT id FROM budget_budgetmovement LIMIT 1 FOR UPDATE") is not None
    # A month of the access log added by its function, which runs as the owner.
    assert _allowed("SELECT labparcours_accesslogentry_add_month(%s)", [datetime.date(2031, 1, 1)])


def test_the_role_cannot_change_a_ledger_nor_take_its_guard_away(
    app_role: str, world: World
) -> None:
    AccessLogEntry.objects.create(patient=world.own, user=world.gp, what="read")
    assert "permission denied" in _refused("UPDATE labparcours_accesslogentry SET what = 'x'")
    assert "permission denied" in _refused("UPDATE budget_budgetmovement SET amount = 0")
    assert "permission denied" in _refused("DELETE FROM indemnities_indemnityline")
    assert "permission denied" in _refused("DELETE FROM programme_exportrecord")
    # The key's column may be "updated" so that a row can be locked: the trigger refuses.
    assert "append-only" in _refused("UPDATE labparcours_accesslogentry SET id = id")
    # The access log's DELETE belongs to the retention purge: its trigger refuses the rest.
    assert "append-only" in _refused(
        "DELETE FROM labparcours_accesslogentry WHERE id = (SELECT max(id) FROM"
        " labparcours_accesslogentry)"
    )
    for statement in (
        "TRUNCATE labparcours_accesslogentry",
        "TRUNCATE patients_patient CASCADE",
        "DROP TABLE budget_budgetmovement",
        "ALTER TABLE labparcours_accesslogentry DISABLE TRIGGER ALL",
        "ALTER TABLE indemnities_indemnityline DISABLE TRIGGER USER",
        "CREATE TABLE lp_role_probe (id int)",
        "CREATE OR REPLACE FUNCTION budget_movement_append_only() RETURNS trigger"
        " AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
    ):
        error = _refused(statement)
        assert "must be owner" in error or "permission denied" in error, (statement, error)


def test_granting_again_after_a_migration_leaves_the_same_grants(app_role: str) -> None:
    def grants() -> list[tuple]:
        return _allowed(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants"
            " WHERE grantee = %s ORDER BY 1, 2",
            [app_role],
        )

    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    first = grants()
    assert ("patients_patient", "UPDATE") in first
    assert ("labparcours_accesslogentry", "INSERT") in first
    assert ("labparcours_accesslogentry", "UPDATE") not in first
    assert not [grant for grant in first if grant[1] in {"TRUNCATE", "TRIGGER", "REFERENCES"}]
    grant_application_role(app_role)
    assert grants() == first


def test_every_guarded_table_is_a_ledger(needs_postgres: None, db: None) -> None:
    """A table whose trigger refuses updates is an append-only model: its role gets no UPDATE
    nor DELETE (a guard added by a migration without the model would keep them)."""
    guarded = {
        name
        for (name,) in _allowed(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgparentid = 0 AND tgtype & 16 = 16"
            " AND tgname LIKE %s",
            ["%append_only"],
        )
    } | {"labparcours_accesslogentry"}
    assert guarded <= ledger_tables()


def test_the_password_is_stored_as_postgresql_stores_it(needs_postgres: None, db: None) -> None:
    """The verifier written for `ALTER ROLE … PASSWORD` is the one PostgreSQL makes of the same
    password and salt: the password itself never travels in a statement."""
    role = f"lp_role_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute("SET LOCAL password_encryption = 'scram-sha-256'")
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'correct horse battery'")
        cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role])
        (theirs,) = cursor.fetchone()
    iterations, rest = theirs.removeprefix("SCRAM-SHA-256$").split(":", 1)
    salt = base64.b64decode(rest.split("$", 1)[0])
    assert scram_verifier("correct horse battery", salt=salt, iterations=int(iterations)) == theirs
    assert scram_verifier("correct horse battery", salt=salt) != scram_verifier(
        "correct horse batterY", salt=salt
    )
    assert not ensure_login_role(role, "another one")  # it exists: only its password changes
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role])
        (stored,) = cursor.fetchone()
    assert stored.startswith("SCRAM-SHA-256$4096:")
    assert stored != theirs
    assert "another one" not in stored


def test_the_command_creates_the_role_and_reports_its_grants(
    needs_postgres: None, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = f"lp_role_{secrets.token_hex(4)}"
    monkeypatch.setenv("LP_TEST_ROLE_PASSWORD", "a long random secret")
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    out = io.StringIO()
    call_command("grant_application_role", role, password_env="LP_TEST_ROLE_PASSWORD", stdout=out)
    assert f"Role {role} created." in out.getvalue()
    assert "ledgers read and appended to" in out.getvalue()
    assert "a long random secret" not in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles"
            " WHERE rolname = %s",
            [role],
        )
        assert cursor.fetchone() == (True, False, False, False)
    monkeypatch.setenv("LP_TEST_ROLE_PASSWORD", "")
    with pytest.raises(CommandError, match="LP_TEST_ROLE_PASSWORD is empty"):
        call_command("grant_application_role", role, password_env="LP_TEST_ROLE_PASSWORD")
    with pytest.raises(CommandError, match="not a role name"):
        call_command("grant_application_role", 'app"; DROP TABLE x; --')


def test_role_names_are_plain_identifiers() -> None:
    assert ROLE_NAME.fullmatch("labparcours_app")
    assert not ROLE_NAME.fullmatch("Labparcours")
    assert not ROLE_NAME.fullmatch('a"b')
    assert not ROLE_NAME.fullmatch("a b")


@pytest.mark.django_db
def test_without_postgresql_the_command_says_there_is_nothing_to_grant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL feature"):
        call_command("grant_application_role", "labparcours_app")
    with pytest.raises(ValueError, match="PostgreSQL only"):
        grant_application_role("labparcours_app")
