"""A batch's listing in CSV and XLSX: read back row by row, the same bytes at every export,
queries and memory that do not grow with the lines."""

from __future__ import annotations

import csv
import datetime
import io
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.utils import timezone

from indemnities.exports import batch_cells, batch_columns, batch_rows
from indemnities.models import (
    BatchLine,
    IndemnityKind,
    IndemnityLine,
    LineEntry,
    PaymentBatch,
)
from indemnities.services import batch_build, lines_approve
from labparcours.models import AccessLogEntry
from labparcours.tabular import csv_copied, csv_lines, iterate
from patients.models import Patient
from programme.demo_data import DEMO_IBANS
from teams.models import Professional
from tests.conftest import World, client_for
from tests.factories import bank_account, held_sic, indemnity_kind, indemnity_rate


@pytest.fixture
def batch(world: World) -> PaymentBatch:
    indemnity_rate("sic_attendance", "30.00")
    indemnity_rate("sic_attendance", "45.50", profession="gp")
    for role, iban in (("gp", DEMO_IBANS[0]), ("nurse", DEMO_IBANS[1])):
        bank_account(world.user(role).professional, iban)
    held_sic(world, present=["gp", "nurse"])
    lines_approve(lines=IndemnityLine.objects.all(), by=world.admin)
    today = timezone.localdate()
    return batch_build(
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=7),
        execution_date=today,
        by=world.admin,
    )


def url(batch: PaymentBatch, name: str) -> str:
    return f"/api/v1/payment-batches/{batch.pk}/{name}/"


def csv_of(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_the_csv_reads_back_as_the_batchs_lines(world: World, batch: PaymentBatch) -> None:
    rows = csv_of(client_for(world.admin).get(url(batch, "export.csv")))
    expected = {
        (line.professional.last_name, line.kind.label, f"{line.amount:.2f}")
        for line in IndemnityLine.objects.filter(batch_line__batch=batch)
    }
    assert {(r["Nom"], r["Nature"], r["Montant"]) for r in rows} == expected
    assert {r["Lot"] for r in rows} == {batch.reference}
    assert {r["Initiales"] for r in rows} == {world.own.initials}
    assert sum(Decimal(r["Montant"]) for r in rows) == Decimal("75.50")


def test_the_xlsx_reads_back_with_numbers_and_dates(world: World, batch: PaymentBatch) -> None:
    response = client_for(world.admin).get(url(batch, "export.xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    header, *rows = list(sheet.values)
    amount, day = header.index("Montant"), header.index("Travail du")
    assert sorted(row[amount] for row in rows) == [30.0, 45.5]
    assert all(isinstance(row[day], datetime.datetime) for row in rows)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_exporting_again_gives_the_same_bytes(world: World, batch: PaymentBatch) -> None:
    admin = client_for(world.admin)
    for name in ("export.csv", "export.xlsx", "sepa.xml"):
        first, again = admin.get(url(batch, name)), admin.get(url(batch, name))
        body = _body
        assert body(first) == body(again), name


def test_an_export_logs_a_read_of_each_patient_it_names(world: World, batch: PaymentBatch) -> None:
    client_for(world.admin).get(url(batch, "export.csv"))
    assert list(AccessLogEntry.objects.filter(user=world.admin).values_list("patient", "what")) == [
        (world.own.pk, "indemnity batch listing")
    ]


def _many_lines(world: World, batch: PaymentBatch, count: int) -> None:
    """`count` more lines in the batch, written by the database itself (PostgreSQL)."""
    kind = indemnity_kind("sic_attendance")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH new AS (
                INSERT INTO indemnities_indemnityline
                    (professional_id, kind_id, entry, amount, worked_on, patient_id, why,
                     created_at)
                SELECT %s, %s, 'item', 30.00, %s, %s, 'volume', now()
                FROM generate_series(1, %s)
                RETURNING id
            )
            INSERT INTO indemnities_batchline (batch_id, line_id) SELECT %s, id FROM new
            """,
            [
                world.nurse.professional.pk,
                kind.pk,
                timezone.localdate(),
                world.own.pk,
                count,
                batch.pk,
            ],
        )


def _by_rows(batch: PaymentBatch) -> Iterator[bytes]:
    return csv_lines(batch_columns(batch), iterate(batch_rows(batch)))


def _by_copy(batch: PaymentBatch) -> Iterator[bytes]:
    return csv_copied(batch_columns(batch), batch_cells(batch))


def _peak_of_export(batch: PaymentBatch, written_by: Callable) -> int:
    tracemalloc.start()
    for _chunk in written_by(batch):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("written_by", [_by_rows, _by_copy])
def test_the_exports_memory_does_not_grow_with_the_lines(
    needs_postgres: None, world: World, batch: PaymentBatch, written_by: Callable
) -> None:
    # Row by row, PostgreSQL streams the rows through a server-side cursor, a chunk at a
    # time; by COPY, they go to a file on disk and are read back a block at a time.
    _many_lines(world, batch, 1_000)
    small = _peak_of_export(batch, written_by)
    _many_lines(world, batch, 99_000)
    large = _peak_of_export(batch, written_by)
    # A hundred times the lines: the peak stays within what one chunk of rows costs.
    assert large < small * 1.5, (small, large)
    assert IndemnityLine.objects.filter(batch_line__batch=batch).count() == 100_002


def test_the_exports_queries_do_not_grow_with_the_lines(
    world: World, batch: PaymentBatch, django_assert_max_num_queries
) -> None:
    admin = client_for(world.admin)
    admin.get(url(batch, "export.csv"))  # warm the session
    with django_assert_max_num_queries(20) as few:
        b"".join(admin.get(url(batch, "export.csv")).streaming_content)
    IndemnityLine.objects.bulk_create(
        IndemnityLine(
            professional=world.nurse.professional,
            kind=indemnity_kind("sic_attendance"),
            entry=LineEntry.ITEM,
            amount=Decimal("30.00"),
            worked_on=timezone.localdate(),
            patient=world.own,
            why="volume",
        )
        for _ in range(500)
    )
    BatchLine.objects.bulk_create(
        BatchLine(batch=batch, line=line)
        for line in IndemnityLine.objects.filter(batch_line__isnull=True)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        b"".join(admin.get(url(batch, "export.csv")).streaming_content)


def test_postgresql_writes_the_csv_that_the_rows_give(
    needs_postgres: None, world: World, batch: PaymentBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What COPY writes on PostgreSQL is byte for byte what the columns write row by row, for
    # cells a CSV must quote, formulas, accents, empty cells, reversals and lines without
    # a patient.
    nurse = world.nurse.professional
    Professional.objects.filter(pk=nurse.pk).update(
        last_name='Du "Pont"; fils', first_name="Anne\nMarie", rpps=""
    )
    Professional.objects.filter(pk=world.gp.professional.pk).update(
        last_name="=SOMME(A1)", first_name="-Zoé\r"
    )
    Patient.objects.filter(pk=world.own.pk).update(first_name="élodie", last_name="œuvre")
    line = IndemnityLine.objects.filter(batch_line__batch=batch).first()
    kind = indemnity_kind("sic_attendance")
    IndemnityKind.objects.filter(pk=kind.pk).update(label="@Présence; « SIC »")
    extra = [
        IndemnityLine.objects.create(
            professional=nurse,
            kind=kind,
            entry=LineEntry.REVERSAL,
            amount=Decimal("-1234.50"),
            worked_on=datetime.date(2026, 1, 9),
            patient=world.own,
            reverses=line,
            why="erreur",
        ),
        IndemnityLine.objects.create(
            professional=nurse,
            kind=kind,
            entry=LineEntry.ITEM,
            amount=Decimal("0.05"),
            worked_on=datetime.date(2026, 1, 10),
            why="sans patient",
        ),
    ]
    BatchLine.objects.bulk_create(BatchLine(batch=batch, line=line) for line in extra)
    by_rows = b"".join(csv_lines(batch_columns(batch), iterate(batch_rows(batch))))
    response = client_for(world.admin).get(url(batch, "export.csv"))
    assert b"".join(response.streaming_content) == by_rows
    # Read back a few bytes at a time, a quoted cell and its line break split across blocks.
    monkeypatch.setattr("labparcours.tabular.COPY_BLOCK", 5)
    assert b"".join(csv_copied(batch_columns(batch), batch_cells(batch))) == by_rows
    assert b'"Du ""Pont""; fils"' in by_rows
    assert b'"Anne\nMarie"' in by_rows
    assert by_rows.count(b"\r\n") == 5  # the header, four lines
    assert "'=SOMME(A1);'-Zoé\r".encode() in by_rows.replace(b'"', b"")
    assert "É.Œ.".encode() in by_rows
