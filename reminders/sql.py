"""Expressions for the rules that let the database write their rows (`registry.Selection`):
the text of a key, a date or a number as the Python rules write it, the same on PostgreSQL
and SQLite."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import CharField, Expression, F, Func, IntegerField, JSONField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from labparcours.links import page_sql


def text(expression: Expression | str) -> Expression:
    """A number or a date as text: 12, 2026-03-12 (ISO, as `date.isoformat()`)."""
    return Cast(_expression(expression), CharField())


class UUIDText(Func):
    """A UUID as `str(uuid)` writes it, with hyphens (SQLite keeps 32 hexadecimal digits)."""

    output_field = CharField()

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> Any:
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS varchar)")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        parts = " || '-' || ".join(
            f"substr({sql}, {start}, {length})"
            for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        )
        return f"lower({parts})", params * 5


class DaysSince(Func):
    """The days from a date column to `day` (`(day - date).days`)."""

    output_field = IntegerField()

    def __init__(self, day: datetime.date, expression: Expression | str) -> None:
        super().__init__(Value(day), _expression(expression))

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> Any:
        day, column = (compiler.compile(e) for e in self.source_expressions)
        return f"(CAST({day[0]} AS date) - {column[0]})", [*day[1], *column[1]]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        day, column = (compiler.compile(e) for e in self.source_expressions)
        sql = f"CAST(julianday({day[0]}) - julianday({column[0]}) AS integer)"
        return sql, [*day[1], *column[1]]


class PresentList(Func):
    """A JSON list of the `values` whose condition holds, in their order: ["nurse", …]."""

    output_field = JSONField()

    def __init__(self, items: list[tuple[Expression | Q, str]]) -> None:
        self.values = [value for _condition, value in items]
        super().__init__(*(condition for condition, _value in items))

    def _cases(self, compiler: Any) -> tuple[list[str], list[Any]]:
        cases, params = [], []
        for condition, value in zip(self.source_expressions, self.values, strict=True):
            sql, condition_params = compiler.compile(condition)
            cases.append(f"CASE WHEN {sql} THEN %s END")
            params += [*condition_params, value]
        return cases, params

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> Any:
        cases, params = self._cases(compiler)
        return f"array_to_json(array_remove(ARRAY[{', '.join(cases)}]::text[], NULL))", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        cases, params = self._cases(compiler)
        return (
            "json((SELECT json_group_array(value) FROM json_each(json_array("  # noqa: S608
            f"{', '.join(cases)})) WHERE value IS NOT NULL))",
            params,
        )


class LocalISO(Func):
    """A date-time as `timezone.localtime(value).isoformat(timespec="seconds")` writes it, in
    the current time zone: 2026-03-12T14:00:00+01:00."""

    output_field = CharField()

    def __init__(self, expression: Expression | str) -> None:
        super().__init__(_expression(expression))
        self.zone = timezone.get_current_timezone_name()

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> Any:
        value, params = compiler.compile(self.source_expressions[0])
        local = f"DATE_TRUNC('second', {value} AT TIME ZONE %s)"
        offset = f"({local} - DATE_TRUNC('second', {value} AT TIME ZONE 'UTC'))"
        sql = (
            f"(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            f" || CASE WHEN {offset} < INTERVAL '0' THEN '-' ELSE '+' END"
            f" || to_char(CASE WHEN {offset} < INTERVAL '0' THEN -{offset} ELSE {offset} END,"
            " 'HH24:MI'))"
        )
        zone = [*params, self.zone]
        return sql, [*zone, *zone, *params, *zone, *params, *zone, *params, *zone, *params]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        value, params = compiler.compile(self.source_expressions[0])
        # Django's own functions on SQLite: the local time, and UTC, to the second.
        local = f"django_datetime_trunc('second', {value}, %s, 'UTC')"
        utc = f"django_datetime_trunc('second', {value}, NULL, NULL)"
        minutes = f"CAST(round((julianday({local}) - julianday({utc})) * 1440) AS integer)"
        sql = (
            f"(replace({local}, ' ', 'T') || printf('%%s%%02d:%%02d',"
            f" CASE WHEN {minutes} < 0 THEN '-' ELSE '+' END,"
            f" abs({minutes}) / 60, abs({minutes}) %% 60))"
        )
        zone = [*params, self.zone]
        return sql, [*zone, *zone, *params, *zone, *params, *zone, *params]


def target(prefix: str, *parts: Expression) -> Expression:
    """A target key, e.g. "sic:12": the prefix and the parts' text joined by colons."""
    pieces: list[Expression] = [Value(f"{prefix}:")]
    for index, part in enumerate(parts):
        if index:
            pieces.append(Value(":"))
        pieces.append(part)
    return Concat(*pieces, output_field=CharField())


def joined(*parts: Expression | str) -> Expression:
    """Text expressions and literal strings, concatenated."""
    return Concat(
        *(Value(part) if isinstance(part, str) else part for part in parts),
        output_field=CharField(),
    )


def _expression(expression: Expression | str) -> Any:
    return F(expression) if isinstance(expression, str) else expression


__all__ = [
    "DaysSince",
    "LocalISO",
    "PresentList",
    "UUIDText",
    "joined",
    "page_sql",
    "target",
    "text",
]
