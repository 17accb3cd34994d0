"""Rows a contribution form repeats as many times as needed: the medication list of the
pharmacist's review, the hospitalisations of the GP's summary.

A row is a few fields named `<prefix>_<i>_<column>`. A form holds as many rows as were
posted, or as were saved plus an empty one to type the next; the "add a row" button
(`add_<prefix>`) posts the form back with one more, so that it works without a script
(static/js/rows.js only saves the round trip). In the content, the rows are a list of
objects under `key`; through the API they are posted as such a list."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Column:
    name: str
    label: StrOrPromise
    field: Callable[..., forms.Field]  # called with label= and required=False
    # A filled row without this column is refused with this message.
    missing: StrOrPromise | None = None


@dataclass(frozen=True)
class RowSet:
    """One table of rows of a form: the columns, and what the page and the API say of it."""

    key: str
    prefix: str
    title: StrOrPromise
    row_label: StrOrPromise  # "Medication %(row)d"
    columns: tuple[Column, ...]
    add_label: StrOrPromise
    too_many: StrOrPromise  # with %(count)d
    not_a_list: StrOrPromise
    malformed: StrOrPromise  # with %(row)d
    max_rows: int = 100
    min_rows: int = 1
    # Checks a filled row's values (after each field's own): {column: ValidationError}.
    check: Callable[[dict[str, Any]], None] | None = field(default=None, compare=False)

    @property
    def add_name(self) -> str:
        return f"add_{self.prefix}"

    def name(self, index: int, column: str) -> str:
        return f"{self.prefix}_{index}_{column}"

    def pattern(self) -> re.Pattern[str]:
        names = "|".join(re.escape(c.name) for c in self.columns)
        return re.compile(rf"^{re.escape(self.prefix)}_(\d{{1,4}})_({names})$")

    def indexes_in(self, data: Mapping[str, Any]) -> int:
        """How many rows `data` (posted data, or a form's initial) names: its highest index."""
        pattern = self.pattern()
        found = [int(match[1]) for key in data if (match := pattern.match(key))]
        return max(found, default=-1) + 1

    def labelled(self, index: int, column: Column) -> str:
        """Each input says which row it belongs to (its label is visually hidden in the
        table): "Medication 3", "Dose — Medication 3"."""
        row = str(self.row_label) % {"row": index + 1}
        return row if column is self.columns[0] else f"{column.label} — {row}"

    def add_fields(self, form: forms.BaseForm, count: int) -> None:
        for i in range(count):
            for column in self.columns:
                form.fields[self.name(i, column.name)] = column.field(
                    label=self.labelled(i, column), required=False
                )

    def bound_rows(self, form: forms.BaseForm) -> list[list[forms.BoundField]]:
        count = form.row_counts[self.key]  # type: ignore[attr-defined]
        return [[form[self.name(i, c.name)] for c in self.columns] for i in range(count)]

    def clean(self, form: forms.BaseForm, cleaned: dict[str, Any]) -> list[dict[str, Any]]:
        """The filled rows, in order (empty ones skipped); a missing or wrong value is an
        error on its field."""
        rows = []
        for i in range(form.row_counts[self.key]):  # type: ignore[attr-defined]
            values = {c.name: cleaned.get(self.name(i, c.name)) for c in self.columns}
            values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
            if all(v in (None, "") for v in values.values()):
                continue
            ok = True
            for column in self.columns:
                if column.missing and values[column.name] in (None, ""):
                    form.add_error(self.name(i, column.name), str(column.missing))
                    ok = False
            if self.check is not None:
                try:
                    self.check(values)
                except ValidationError as exc:
                    for name, errors in exc.error_dict.items():
                        form.add_error(self.name(i, name), errors)
                    ok = False
            if ok:
                rows.append(values)
        return rows

    def initial(self, saved: Any) -> dict[str, Any]:
        """A saved list as the form's initial data."""
        initial: dict[str, Any] = {}
        for i, row in enumerate(saved if isinstance(saved, list) else []):
            if isinstance(row, dict):
                initial.update({self.name(i, c.name): row.get(c.name, "") for c in self.columns})
        return initial

    def posted(self, rows: Any) -> dict[str, Any]:
        """A list posted to the API as the form's data: at most `max_rows` objects whose
        values are text or numbers. Raises ValidationError."""
        if not isinstance(rows, list):
            raise ValidationError(str(self.not_a_list))
        if len(rows) > self.max_rows:
            raise ValidationError(str(self.too_many) % {"count": self.max_rows})
        data = {}
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or not all(
                _is_scalar(row.get(c.name)) for c in self.columns
            ):
                raise ValidationError(str(self.malformed) % {"row": i + 1})
            data.update(
                {self.name(i, c.name): row.get(c.name) for c in self.columns if c.name in row}
            )
        return data

    def error_of(self, name: str) -> str | None:
        """The row label of a field's name ("Medication 2"), or None when not one of ours."""
        match = self.pattern().match(name)
        return str(self.row_label) % {"row": int(match[1]) + 1} if match else None


def _is_scalar(value: Any) -> bool:
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def row_error(label: str, error: str) -> str:
    return _("%(row)s: %(error)s") % {"row": label, "error": error}
