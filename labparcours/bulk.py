"""Writing many rows in one statement.

`insert_select`: rows written by the database from a query (INSERT … SELECT), one statement
whatever their number, and no row travels through Python.

`insert_rows`: rows computed in Python, without a model instance for each. `bulk_create`
builds an instance per row and prepares every value of every field through the ORM: for the
access log written on every list page, and for the reminder sweep's ten thousand rows, that
cost several times the statement itself. Here the values come as tuples, in the order of the
named fields, already of the fields' Python types; only the values whose field needs the
database's form (JSON; UUIDs and date-times on SQLite) go through the field, and every other
column takes its default, prepared once for all rows. On PostgreSQL a few rows go in one
INSERT … VALUES, thousands by COPY into a temporary table and one INSERT … SELECT from it (a
VALUES list of thousands of rows costs more to parse and plan than to write); on SQLite, one
prepared INSERT run for each row. Statements go through Django's cursor (counted, logged and
timed like any other), but for COPY's stream itself.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models

# Fields whose Python value is already what the driver takes, on every backend.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
# Rows per INSERT … VALUES on PostgreSQL; from this many rows on, COPY.
ROWS_PER_INSERT = 500
COPY_FROM = 1000


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
) -> int:
    """Insert `rows`, each a tuple of values of `fields` (names, or a foreign key's `…_id`);
    the other fields, but the automatic primary key, take their default. With
    `ignore_conflicts`, a row a unique constraint already holds is left out (ON CONFLICT DO
    NOTHING). Returns how many rows were written."""
    if not rows:
        return 0
    given = [_concrete(model, name) for name in fields]
    others = [
        field
        for field in model._meta.concrete_fields
        if field not in given and not field.primary_key and not field.generated
    ]
    defaults = tuple(field.get_default() for field in others)
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field in [*given, *others])
    table = quote(model._meta.db_table)
    conflicts = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        return _copy_then_insert(table, names, given, others, rows, defaults, conflicts)
    convert = [_converter(field) for field in [*given, *others]]
    values = [
        tuple(
            value if c is None else c(value)
            for c, value in zip(convert, (*row, *defaults), strict=True)
        )
        for row in rows
    ]
    one = "(" + ", ".join(["%s"] * len(convert)) + ")"
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # Names from the model, quoted by the backend; every value is a bound parameter.
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {one}{conflicts}", values)  # noqa: S608
            return cursor.rowcount
        for start in range(0, len(values), ROWS_PER_INSERT):
            batch = values[start : start + ROWS_PER_INSERT]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(batch))}{conflicts}",  # noqa: S608
                [value for row in batch for value in row],
            )
            written += cursor.rowcount
    return written


def _copy_then_insert(
    table: str,
    names: str,
    given: list[models.Field],
    others: list[models.Field],
    rows: Sequence[Sequence[Any]],
    defaults: tuple[Any, ...],
    conflicts: str,
) -> int:
    json_at = {i: f.encoder for i, f in enumerate(given) if isinstance(f, models.JSONField)}
    # The defaults are the same on every line: written as text once.
    rest = "".join(
        "\t" + copy_text(_dumped(field, value))
        for field, value in zip(others, defaults, strict=True)
    )
    lines = _copy_lines(rows, json_at, len(given), rest)
    stage = connection.ops.quote_name(f"new_rows_{uuid.uuid4().hex}")
    # Names from the model, quoted by the backend; the values travel by COPY, never in SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP"  # noqa: S608
            f" AS SELECT {names} FROM {table} WITH NO DATA"
        )
        cursor.copy_expert(f"COPY {stage} FROM STDIN", lines)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage}{conflicts}"  # noqa: S608
        )
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {stage}")
    return written


def stage_rows(
    table: str, model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Write `rows` into `table` (quoted), a work table of some of `model`'s columns and
    maybe others (`names`: the model's fields, or a column of the table's own, written as
    it is): by COPY on PostgreSQL, by one prepared INSERT on SQLite."""
    if not rows:
        return
    fields = [_field_or_none(model, name) for name in names]
    columns = ", ".join(
        connection.ops.quote_name(name if field is None else str(field.column))
        for name, field in zip(names, fields, strict=True)
    )
    json_at = {i: f.encoder for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            lines = _copy_lines(rows, json_at, len(names), "")
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", lines)
            return
        convert = [None if f is None else _converter(f) for f in fields]
        values = [
            tuple(value if c is None else c(value) for c, value in zip(convert, row, strict=True))
            for row in rows
        ]
        one = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({one})", values)  # noqa: S608


def insert_defaults_sql(
    model: type[models.Model], fields: Sequence[str]
) -> tuple[str, str, list[Any]]:
    """For an INSERT … SELECT of `fields` into `model`'s table, the other columns with their
    defaults: the columns' names (`fields`' then the others'), the defaults' SQL to follow
    the selected values (", CAST(%s AS type)…"), and their parameters."""
    given = [_concrete(model, name) for name in fields]
    others = [
        field
        for field in model._meta.concrete_fields
        if field not in given and not field.primary_key and not field.generated
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field in [*given, *others])
    defaults = "".join(f", CAST(%s AS {field.db_type(connection)})" for field in others)
    params = [field.get_db_prep_save(field.get_default(), connection) for field in others]
    return names, defaults, params


def _field_or_none(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return _concrete(model, name)
    except FieldDoesNotExist:
        return None


def _copy_lines(
    rows: Sequence[Sequence[Any]],
    json_at: dict[int, type[json.JSONEncoder] | None],
    width: int,
    rest: str,
) -> io.StringIO:
    """The rows in COPY's text format, each line ending with `rest` (the defaults' text)."""
    lines = io.StringIO()
    tabs = width - 1
    for row in rows:
        if json_at:
            row = [_dumped_with(json_at[i], v) if i in json_at else v for i, v in enumerate(row)]
        # Most lines need no escape: each value as text, checked once for the line; a line
        # with a NULL, a boolean or a character to escape is written value by value.
        line = "\t".join(map(str, row))
        if line.count("\t") != tabs or _SPECIAL.search(line) or _not_plain(row):
            line = "\t".join(map(copy_text, row))
        lines.write(line)
        lines.write(rest + "\n")
    lines.seek(0)
    return lines


def _dumped(field: models.Field, value: Any) -> Any:
    """A JSON field's value as text (None stays NULL); any other field's as it is."""
    if isinstance(field, models.JSONField):
        return _dumped_with(field.encoder, value)
    return value


def _dumped_with(encoder: type[json.JSONEncoder] | None, value: Any) -> str | None:
    return None if value is None else json.dumps(value, cls=encoder)


# COPY's text format: a backslash, a tab, a newline, a carriage return are escaped.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = re.compile(r"[\\\n\r]")


def _not_plain(row: Sequence[Any]) -> bool:
    """Whether a value of `row` is NULL or a boolean (whose text COPY spells its own way)."""
    return any(value is None or value is True or value is False for value in row)


def copy_text(value: Any) -> str:
    """One value in COPY's text format (a JSON value dumped to text before)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(COPY_ESCAPES)


def insert_select(
    model: type[models.Model],
    fields: Sequence[str],
    rows: models.QuerySet,
    *,
    ignore_conflicts: bool = False,
) -> int:
    """Insert into `model`'s table, for its `fields` (names), the rows of `rows` — a
    `values_list` of as many expressions, in that order. With `ignore_conflicts`, a row a
    unique constraint already holds is left out (ON CONFLICT DO NOTHING; the query has a
    WHERE clause, which SQLite needs to read the clause as the INSERT's). Returns how many
    rows were written."""
    meta = model._meta
    column = {f.name: str(f.column) for f in meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column[name]) for name in fields)
    select, params = rows.query.sql_with_params()
    conflicts = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) {select}"
            f"{conflicts}",
            params,
        )
        return cursor.rowcount


def _concrete(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """The preparation of `field`'s values for one statement (None: they go as they are)."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, _PLAIN):
        return None
    native_uuid = isinstance(target, models.UUIDField) and connection.features.has_native_uuid_field
    # The rows of one statement often share a value, the very same object (the access log's
    # reader, moment and address on each of a page's rows): prepared once.
    last: list[Any] = [_NOTHING, None]

    def convert(value: Any) -> Any:
        if native_uuid and isinstance(value, uuid.UUID):
            return value  # what the field answers for a UUID on such a database
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return convert


_NOTHING = object()
