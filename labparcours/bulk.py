"""Rows written by the database from a query: INSERT … SELECT, one statement whatever their
number, and no row travels through Python."""

from __future__ import annotations

from collections.abc import Sequence

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
