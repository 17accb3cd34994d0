"""Rows written in one statement: from a query (INSERT … SELECT, no row travels through
Python), or from values (INSERT … VALUES, no model instance made for them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.db import connection, models


def insert_select(model: type[models.Model], fields: Sequence[str], rows: models.QuerySet) -> None:
    """Insert into `model`'s table, for its `fields` (names), the rows of `rows` — a
    `values_list` of as many expressions, in that order."""
    meta = model._meta
    column = {f.name: str(f.column) for f in meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column[name]) for name in fields)
    select, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) {select}",
            params,
        )


# Rows per INSERT … VALUES at most (fewer when the database takes fewer parameters: SQLite).
ROWS_PER_INSERT = 500


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Insert `rows` into `model`'s table, each a tuple of values of its `fields` (names; a
    foreign key by its id), prepared for the database by the fields as `save` would.

    `bulk_create` without a model instance per row and its checks: the access log writes a
    page's rows on every page view, and making them cost three times the INSERT."""
    meta = model._meta
    columns = [cast(models.Field, meta.get_field(name)) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field in columns)
    into = f"INSERT INTO {quote(meta.db_table)} ({names})"
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, min(ROWS_PER_INSERT, connection.ops.bulk_batch_size(columns, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [
                field.get_db_prep_save(value, connection)
                for row in batch
                for field, value in zip(columns, row, strict=True)
            ]
            cursor.execute(f"{into} VALUES {', '.join([one] * len(batch))}", params)
