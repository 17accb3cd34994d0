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
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
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


def _money(value: Any) -> str:
    return f"{Decimal(value):.2f}"


def _text(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# How each kind of cell is written (empty cells aside), chosen once per column.
CSV_TEXT: dict[str, Callable[[Any], str]] = {
    "money": _money,
    "datetime": lambda value: value.strftime("%Y-%m-%d %H:%M"),
    "date": lambda value: value.isoformat(),
    "int": str,
    "text": _text,
}


def csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The CSV as bytes, CHUNK rows at a time: the BOM and the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([str(column.header) for column in columns])
    cells = [(column.value, CSV_TEXT[column.kind]) for column in columns]
    for count, row in enumerate(rows, start=1):
        writer.writerow(
            ["" if (v := value(row)) is None or v == "" else text(v) for value, text in cells]
        )
        if count % CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


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


# --- Answers -----------------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(
    columns: list[Column],
    rows: Iterable[Any],
    *,
    fmt: str,
    filename: str,
    title: str,
    created: datetime.datetime | None = None,
) -> StreamingHttpResponse | FileResponse:
    """The table as a download: CSV streamed (`fmt` "csv"), else XLSX; `filename` without
    its extension."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    return FileResponse(
        xlsx_file(columns, rows, title, created=created),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_TYPE,
    )
