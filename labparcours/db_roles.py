"""The application's database role: one that owns nothing, granted what the application uses.

`migrate` runs as the owner of the tables; the web, the workers and beat connect as a role
that may read and write rows but not change the schema. Only the owner may DROP, TRUNCATE,
ALTER a table or DISABLE its triggers, so a role that owns nothing cannot take the ledgers'
guards away (`labparcours.ledger`): an SQL injection or a stolen application password can no
longer rewrite the money or the access log. On the ledgers the role gets no UPDATE nor DELETE
at all, the trigger's refusal backed by a privilege:

- every table of the schema: SELECT, INSERT, UPDATE, DELETE (never TRUNCATE, REFERENCES,
  TRIGGER); its sequences: USAGE, SELECT;
- a ledger (`AppendOnlyModel`): SELECT and INSERT; UPDATE of its primary key column alone
  where a guard trigger refuses every UPDATE anyway, because locking a row
  (`SELECT … FOR UPDATE`, as a reversal does) needs an UPDATE privilege;
- the access log: DELETE too, which its trigger allows to the retention purge only, and
  EXECUTE on the two functions that add and drop its monthly partitions as the owner.

Run after every `migrate` (the grants name the tables as they are): `manage.py
grant_application_role ROLE`. PostgreSQL only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from labparcours.ledger import AppendOnlyModel

# A role's name as this module accepts it: PostgreSQL's unquoted identifiers, lower case.
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# The access log's partition functions (migration labparcours 0011), run as the owner.
PARTITION_FUNCTIONS = (
    "labparcours_accesslogentry_add_month(date)",
    "labparcours_accesslogentry_drop_month(date)",
)
# The ledger whose rows the retention purge deletes (its trigger refuses every other DELETE).
PURGED_LEDGER = "labparcours_accesslogentry"


@dataclass
class Grants:
    """What `grant_application_role` granted, for its report."""

    tables: list[str] = field(default_factory=list)
    ledgers: list[str] = field(default_factory=list)
    sequences: int = 0


def ledger_tables() -> set[str]:
    """The tables of the append-only models: never updated nor deleted by the application."""
    return {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel) and not model._meta.proxy
    }


def _guarded(cursor, table: str) -> bool:
    """Whether `table` has a trigger that refuses UPDATE (`labparcours.ledger`)."""
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass"
        " AND NOT tgisinternal AND tgparentid = 0 AND tgtype & 16 = 16)",  # 16: UPDATE
        [table],
    )
    return bool(cursor.fetchone()[0])


def grant_application_role(role: str, *, using: BaseDatabaseWrapper = connection) -> Grants:
    """Grant `role` what the application needs on this database's current schema, and nothing
    of what an owner may do. Everything it held before on these tables is revoked first, so
    that running it again after a migration leaves exactly these grants."""
    if using.vendor != "postgresql":
        raise ValueError("database roles exist on PostgreSQL only")
    if not ROLE_NAME.fullmatch(role):
        raise ValueError(f"not a role name: {role!r} (lower-case letters, digits and _)")
    grants = Grants()
    ledgers = ledger_tables()
    quote = using.ops.quote_name
    who = quote(role)
    with transaction.atomic(using=using.alias), using.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.relname, c.relkind, a.attname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p'"
            " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]"
            " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'S', 'v', 'm')"
            " AND NOT c.relispartition ORDER BY c.relname",
            [schema],
        )
        relations = cursor.fetchall()
        # Identifiers quoted by the backend; the privileges and functions are this module's
        # own constants: no value from outside reaches the statements unquoted.
        cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who}")
        for name, kind, key in relations:
            relation = quote(name)
            cursor.execute(f"REVOKE ALL ON {relation} FROM {who}")
            if kind == "S":
                cursor.execute(f"GRANT USAGE, SELECT ON {relation} TO {who}")
                grants.sequences += 1
            elif name in ledgers:
                privileges = "SELECT, INSERT" + (", DELETE" if name == PURGED_LEDGER else "")
                cursor.execute(f"GRANT {privileges} ON {relation} TO {who}")
                if key and _guarded(cursor, name):
                    cursor.execute(f"GRANT UPDATE ({quote(key)}) ON {relation} TO {who}")
                grants.ledgers.append(name)
            else:
                cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {relation} TO {who}")
                grants.tables.append(name)
        for function in PARTITION_FUNCTIONS:
            cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [function])
            if cursor.fetchone()[0]:
                cursor.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {who}")
    return grants


def ensure_login_role(role: str, password: str, *, using: BaseDatabaseWrapper = connection) -> bool:
    """Create `role` (LOGIN, owning nothing, inheriting nothing) if it does not exist, and set
    its password either way; whether it was created. Needs CREATEROLE (the compose file's
    owner has it); with an external database, its administrator creates the role instead."""
    if not ROLE_NAME.fullmatch(role):
        raise ValueError(f"not a role name: {role!r} (lower-case letters, digits and _)")
    quote = using.ops.quote_name
    with transaction.atomic(using=using.alias), using.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [role])
        exists = bool(cursor.fetchone()[0])
        if not exists:
            cursor.execute(
                f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                " NOINHERIT NOREPLICATION NOBYPASSRLS"
            )
        # The password's SCRAM verifier, never the password: a statement may be logged.
        cursor.execute(f"ALTER ROLE {quote(role)} PASSWORD %s", [scram_verifier(password)])
    return not exists


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = 4096) -> str:
    """What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802, RFC 7677), which
    `ALTER ROLE … PASSWORD` takes as it is: the server never sees the password itself."""
    salt = os.urandom(16) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
