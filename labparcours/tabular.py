"""Tables written out for spreadsheets: CSV (streamed, line by line) and XLSX (written row by
row to a temporary file), both from the same `Column`s.

- CSV: `;` separated, UTF-8 with a BOM (what French Excel opens without garbling accents),
  amounts written `1234.50` (a dot, no grouping: a number any tool reads back exactly), dates
  `2026-03-31`, times `2026-03-31 14:05` in Europe/Paris. A text cell that a spreadsheet would
  take for a formula (= + - @) is prefixed with an apostrophe.
- XLSX: amounts are numbers with a euro format, dates are dates. Given `created`, the file's
  properties carry that date rather than now: the same rows give the same bytes.

Memory stays constant whatever the number of rows: callers pass `iterate(queryset)`.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone

# Rows fetched at a time: what an export holds in memory, whatever its length.
CHUNK = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation
    value: Callable[[Any], Any]
    kind: str = "text"  # text, money, int, date, datetime


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A moment as Paris reads it, without its time zone (what a spreadsheet cell holds)."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


# --- CSV ---------------------------------------------------------------------------------------


def _csv_text(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == "date":
        return value.isoformat()
    text = str(value)
    return "'" + text if kind == "text" and text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object whose `write` hands back what the csv writer wrote."""

    def write(self, text: str) -> str:
        return text


def csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The CSV, line by line, as bytes: the BOM and the header first."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    header = writer.writerow([str(column.header) for column in columns])
    yield "\ufeff".encode() + str(header).encode()
    for row in rows:
        cells = [_csv_text(column.value(row), column.kind) for column in columns]
        yield str(writer.writerow(cells)).encode()


# --- XLSX --------------------------------------------------------------------------------------


def xlsx_file(
    columns: list[Column],
    rows: Iterable[Any],
    title: str,
    created: datetime.datetime | None = None,
) -> IO[bytes]:
    """The workbook in a temporary file, rewound: rows are flushed to disk as they are
    written (constant memory)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 — handed to the response, which closes it
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "remove_timezone": True})
    if created is not None:
        book.set_properties({"created": local(created)})
    formats = {
        "money": book.add_format({"num_format": '#,##0.00 "€"'}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": book.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        "header": book.add_format({"bold": True}),
    }
    sheet = book.add_worksheet(title[:31])
    for col, column in enumerate(columns):
        sheet.write_string(0, col, str(column.header), formats["header"])
        sheet.set_column(col, col, 16)
    for line, row in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            _xlsx_cell(sheet, line, col, column.value(row), column.kind, formats)
    book.close()
    out.seek(0)
    return out


def _xlsx_cell(sheet: Any, row: int, col: int, value: Any, kind: str, formats: dict) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None)
    elif kind == "money":
        sheet.write_number(row, col, float(value), formats["money"])
    elif kind == "int":
        sheet.write_number(row, col, value)
    elif kind in ("date", "datetime"):
        sheet.write_datetime(row, col, value, formats[kind])
    else:
        sheet.write_string(row, col, str(value))


def iterate(qs: QuerySet[Any]) -> Iterator[Any]:
    return qs.iterator(chunk_size=CHUNK)
