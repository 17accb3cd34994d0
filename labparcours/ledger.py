"""Ledgers: tables of money or audit that are only ever appended to.

A ledger row is never changed nor deleted; a mistake is corrected by a new row. The ORM refuses
both here (`AppendOnlyQuerySet`, `AppendOnlyModel`), and on PostgreSQL a trigger installed by the
app's migration (`append_only_guard`) refuses them in SQL too, whatever the door.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.utils.translation import gettext

from labparcours.errors import DomainError


class LedgerIsAppendOnly(DomainError):
    """An update or a delete of a ledger row: add a correcting row instead."""

    code = "ledger_append_only"


def _refuse() -> LedgerIsAppendOnly:
    return LedgerIsAppendOnly(gettext("The ledger is never changed: add a correction."))


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise _refuse()

    def delete(self) -> Any:
        raise _refuse()


class AppendOnlyModel(models.Model):
    """A ledger row: saved once, then never saved again nor deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise _refuse()


def append_only_guard(table: str) -> migrations.RunPython:
    """A migration operation: on PostgreSQL, a trigger refusing UPDATE and DELETE on `table`."""
    function = f"{table}_append_only"
    guard = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{table} is append-only: add a correction';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    unguard = f"DROP TRIGGER IF EXISTS {function} ON {table}; DROP FUNCTION IF EXISTS {function}();"

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(guard)

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(unguard)

    return migrations.RunPython(forwards, backwards)
