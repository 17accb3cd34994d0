"""The budget exports of a period, read back (csv module, openpyxl) and checked row by row
against the database: the period's first and last days in, the days around them out, the
amounts exact to the cent."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from budget.models import BudgetMovement, BudgetRate, Expense, SupplementaryCare
from budget.reports import dated_movements
from budget.services import (
    envelope_open,
    expense_mark_paid,
    expense_record,
    supplementary_care_approve,
)
from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for
from tests.factories import care_request

START = datetime.date(2026, 4, 1)
END = datetime.date(2026, 6, 30)
DAYS = {
    "before": START - datetime.timedelta(days=1),
    "first": START,
    "last": END,
    "after": END + datetime.timedelta(days=1),
}


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


@pytest.fixture
def ledger(world: World) -> dict[str, Expense]:
    """An expense on each day around the period, odd cents, one paid; each request made late
    at night or early in the morning of that day (Paris time)."""
    for patient in (world.own, world.other):
        patient.inclusion_date = datetime.date(2026, 1, 1)
        patient.save(update_fields=["inclusion_date"])
    BudgetRate.objects.create(
        pathway="ic", amount=Decimal("5000.00"), valid_from=START.replace(month=1)
    )
    for patient in (world.own, world.other):
        envelope_open(patient=patient, year=1)
    expenses = {}
    for i, (name, day) in enumerate(DAYS.items()):
        patient = world.own if i % 2 else world.other
        request = care_request(
            world, patient=patient, sessions=3, unit_price="33.33", by=world.coordinator
        )
        hour = 0 if name in ("first", "after") else 23
        SupplementaryCare.objects.filter(pk=request.pk).update(requested_at=at(day, hour))
        request = supplementary_care_approve(request=request, by=world.coordinator)
        expense = expense_record(
            request=request, by=world.coordinator, sessions=3, date=day, amount=Decimal("99.99")
        )
        expenses[name] = expense
    expense_mark_paid(expense=expenses["last"], by=world.admin, paid_on=END, reference="=SUM(A1)")
    return expenses


def download(world: World, what: str, fmt: str):
    response = client_for(world.admin).get(
        "/gestion/budget/exports/",
        {"quoi": what, "du": START.isoformat(), "au": END.isoformat(), "format": fmt},
    )
    assert response.status_code == 200
    return response


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[dict[str, object]]:
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_csv_of_expenses_holds_the_period_and_nothing_else(
    world: World, ledger: dict[str, Expense]
) -> None:
    response = download(world, "depenses", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="budget-depenses-20260401-20260630.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    expected = Expense.objects.filter(date__range=(START, END)).order_by("date", "pk")
    assert [int(r["Dépense"]) for r in rows] == [e.pk for e in expected]
    assert {e.pk for e in expected} == {ledger["first"].pk, ledger["last"].pk}
    for row, expense in zip(rows, expected, strict=True):
        assert Decimal(row["Montant"]) == expense.amount == Decimal("99.99")
        assert row["Montant"] == "99.99"
        assert row["Date"] == expense.date.isoformat()
        assert row["Identifiant patient"] == str(expense.request.envelope.patient_id)
        assert row["Initiales"] == expense.request.envelope.patient.initials
        assert row["Catégorie"] == expense.request.category.name
    paid = rows[-1]
    assert paid["Payée le"] == END.isoformat()
    assert paid["Référence du paiement"] == "'=SUM(A1)"  # never a formula in a spreadsheet
    # Whole words: a provider drawn « Marcelle » is not the patient Marcel.
    names = re.compile(
        rf"\b({world.own.last_name}|{world.other.last_name}|{world.own.first_name})\b"
    )
    assert not any(names.search(value) for row in rows for value in row.values())


def test_the_xlsx_of_expenses_has_numbers_and_dates(
    world: World, ledger: dict[str, Expense]
) -> None:
    rows = read_xlsx(download(world, "depenses", "xlsx"))
    expected = list(Expense.objects.filter(date__range=(START, END)).order_by("date", "pk"))
    assert [r["Dépense"] for r in rows] == [e.pk for e in expected]
    for row, expense in zip(rows, expected, strict=True):
        assert isinstance(row["Montant"], float)
        assert Decimal(str(row["Montant"])).quantize(Decimal("0.01")) == expense.amount
        assert row["Date"].date() == expense.date


def test_the_requests_are_those_made_during_the_period_in_paris_time(
    world: World, ledger: dict[str, Expense]
) -> None:
    for fmt, reader in (("csv", read_csv), ("xlsx", read_xlsx)):
        rows = reader(download(world, "demandes", fmt))
        ids = [int(r["Demande"]) for r in rows]
        assert ids == [ledger["first"].request_id, ledger["last"].request_id]
        for row in rows:
            request = SupplementaryCare.objects.get(pk=int(row["Demande"]))
            amount = row["Montant"]
            assert Decimal(str(amount)).quantize(Decimal("0.01")) == request.amount
            assert int(row["Séances"]) == request.sessions


def test_the_ledger_is_exported_by_value_date(world: World, ledger: dict[str, Expense]) -> None:
    expected = list(
        dated_movements(world.admin).filter(day__range=(START, END)).order_by("day", "at", "pk")
    )
    assert {m.kind for m in expected} >= {"spend", "pay"}
    for fmt, reader in (("csv", read_csv), ("xlsx", read_xlsx)):
        rows = reader(download(world, "mouvements", fmt))
        assert [int(r["Mouvement"]) for r in rows] == [m.pk for m in expected]
        for row, movement in zip(rows, expected, strict=True):
            assert Decimal(str(row["Montant"])).quantize(Decimal("0.01")) == movement.amount
    # The whole ledger adds up, to the cent.
    rows = read_csv(download(world, "mouvements", "csv"))
    assert sum(Decimal(r["Montant"]) for r in rows) == sum(m.amount for m in expected)
    assert BudgetMovement.objects.count() > len(expected)


def test_an_export_is_a_read_of_every_patient_it_holds(
    world: World, ledger: dict[str, Expense]
) -> None:
    b"".join(download(world, "depenses", "csv").streaming_content)
    readers = AccessLogEntry.objects.filter(user=world.admin, what="budget export")
    assert set(readers.values_list("patient_id", flat=True)) == {world.own.pk, world.other.pk}


@pytest.mark.parametrize(
    ("du", "au", "message"),
    [
        ("2026-06-30", "2026-04-01", "La fin de la période précède son début."),
        ("2026-13-01", "2026-04-01", "Saisissez une date valide."),
        ("", "2026-04-01", "Ce champ est obligatoire."),
        ("2016-01-01", "2026-04-01", "Exportez au plus cinq ans à la fois."),
    ],
)
def test_a_wrong_period_is_refused_in_french(world: World, du: str, au: str, message: str) -> None:
    response = client_for(world.admin).get(
        "/gestion/budget/exports/", {"quoi": "depenses", "du": du, "au": au, "format": "csv"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=world.admin).exists()
