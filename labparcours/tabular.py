"""Tables written out for spreadsheets: CSV (streamed, line by line) and XLSX (written row by
row to a temporary file), both from the same `Column`s.

- CSV: `;` separated, UTF-8 with a BOM (what French Excel opens without garbling accents),
  amounts written `1234.50` (a dot, no grouping: a number any tool reads back exactly), dates
  `2026-03-31`, times `2026-03-31 14:05` in Europe/Paris. A text cell that a spreadsheet would
  take for a formula (= + - @) is prefixed with an apostrophe.
- XLSX: amounts are numbers with a euro format, dates are dates. Given `created`, the file's
  properties carry that date rather than now: the same rows give the same bytes.

Memory stays constant whatever the number of rows: callers pass `iterate(queryset)`. On
PostgreSQL a listing whose cells the database can format (`formula_safe`, `csv_copied`) is
written by COPY into a temporary file, the same bytes several times faster than row by row.
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
from django.db import connection
from django.db.models import Case, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Left, NullIf
from django.db.models.lookups import In
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


# --- CSV written by PostgreSQL ------------------------------------------------------------------

# Bytes read from COPY's file at a time.
COPY_BLOCK = 1 << 16


def formula_safe(text: Any) -> Case:
    """A text cell as `csv_lines` writes it, computed by the database: NULL (an empty cell) for
    no value or an empty one, an apostrophe before what a spreadsheet takes for a formula."""
    text = NullIf(text, Value(""), output_field=TextField())
    return Case(
        When(
            In(Left(text, 1), FORMULA_STARTS),
            then=Concat(Value("'"), text, output_field=TextField()),
        ),
        default=text,
        output_field=TextField(),
    )


def csv_copied(columns: list[Column], cells: QuerySet[Any]) -> Iterator[bytes]:
    """The bytes of `csv_lines(columns, …)`, written by PostgreSQL's COPY: `cells` is a
    `values_list` whose every value is already the text of its cell (None for an empty one),
    in the order of `columns`; COPY quotes them as `csv.writer` does (a cell holding `;`, `"`
    or a line break). The rows go to a temporary file on disk, not to memory, then stream
    from it; COPY ends its records with a line feed, rewritten CR LF outside quoted cells."""
    sql, params = cells.query.sql_with_params()
    out = tempfile.TemporaryFile()  # noqa: SIM115 — closed by the generator below
    with connection.cursor() as cursor:
        # COPY takes no parameters: the driver writes them into the statement, quoted.
        select = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')", out)
    out.seek(0)
    return _streamed_copy(columns, out)


def _streamed_copy(columns: list[Column], out: IO[bytes]) -> Iterator[bytes]:
    header = io.StringIO()
    header.write("\ufeff")
    csv.writer(header, delimiter=";", lineterminator="\r\n").writerow(
        [str(column.header) for column in columns]
    )
    with out:
        yield header.getvalue().encode()
        quoted = False  # whether the block starts inside a quoted cell
        while block := out.read(COPY_BLOCK):
            # Between two quotes, a cell's own text; outside, the line breaks end records. A
            # doubled quote inside a cell splits it into two inside parts around an empty one.
            parts = block.split(b'"')
            outside = 1 if quoted else 0
            parts[outside::2] = [part.replace(b"\n", b"\r\n") for part in parts[outside::2]]
            quoted ^= len(parts) % 2 == 0
            yield b'"'.join(parts)


def copies_csv() -> bool:
    """Whether the database can write a CSV itself (`csv_copied`)."""
    return connection.vendor == "postgresql"


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
    cells: QuerySet[Any] | None = None,
) -> StreamingHttpResponse | FileResponse:
    """The table as a download: CSV streamed (`fmt` "csv"), else XLSX; `filename` without
    its extension. Given `cells` (see `csv_copied`), PostgreSQL writes the CSV itself."""
    if fmt == "csv":
        lines = (
            csv_copied(columns, cells)
            if cells is not None and copies_csv()
            else csv_lines(columns, rows)
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    return FileResponse(
        xlsx_file(columns, rows, title, created=created),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_TYPE,
    )
