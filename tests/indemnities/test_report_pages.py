"""The admin's reports page and its exports: the figures of the period, charts that lead to
their rows, files read back, reads logged, a constant number of queries."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from indemnities.models import IndemnityLine, LineEntry
from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for
from tests.factories import held_sic, indemnity_kind, indemnity_rate

URL = "/indemnisations/rapports/"


@pytest.fixture
def year(world: World) -> dict[str, str]:
    indemnity_rate("sic_attendance", "30.00")
    indemnity_rate("sic_attendance", "45.00", profession="gp")
    held_sic(world, present=["gp", "nurse"])
    today = timezone.localdate()
    return {
        "date_from": str(today - datetime.timedelta(days=60)),
        "date_to": str(today + datetime.timedelta(days=7)),
    }


def test_it_shows_the_periods_figures(world: World, year: dict[str, str]) -> None:
    page = client_for(world.admin).get(URL, year)
    assert page.status_code == 200
    rows = {row.professional_id: row for row in page.context["professionals"]}
    assert rows[world.gp.professional.pk].total == Decimal("45.00")
    assert rows[world.nurse.professional.pk].counts["sic_attendance"] == 1
    assert page.context["total"] == Decimal("75.00")
    body = page.content.decode()
    assert "75,00 €" in body
    assert world.own.initials in body
    assert world.own.last_name not in body
    # Each bar of the chart per profession opens the report of its profession.
    hrefs = [bar.href for bar in page.context["professions_chart"].bars]
    assert any("profession=gp" in href for href in hrefs)


def test_the_report_of_one_profession(world: World, year: dict[str, str]) -> None:
    page = client_for(world.admin).get(URL, {**year, "profession": "nurse"})
    assert [row.professional_id for row in page.context["professionals"]] == [
        world.nurse.professional.pk
    ]


def test_reading_the_report_logs_the_patients_it_shows(world: World, year: dict[str, str]) -> None:
    client_for(world.admin).get(URL, year)
    assert list(AccessLogEntry.objects.filter(user=world.admin).values_list("patient", "what")) == [
        (world.own.pk, "indemnity report")
    ]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "se termine avant de commencer"),
        ({"date_from": "2010-01-01", "date_to": "2026-04-01"}, "cinq ans au plus"),
        ({"date_from": "hier", "date_to": "2026-04-01"}, "Saisissez une date valide"),
    ],
)
def test_a_bad_period_is_refused_in_french(world: World, period: dict, message: str) -> None:
    page = client_for(world.admin).get(URL, period)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_the_lines_export_reads_back(world: World, year: dict[str, str]) -> None:
    response = client_for(world.admin).get(
        f"{URL}export/", {**year, "what": "lignes", "format": "csv"}
    )
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert sorted((r["Nom"], r["Montant"], r["État"]) for r in rows) == sorted(
        (line.professional.last_name, f"{line.amount:.2f}", "À valider")
        for line in IndemnityLine.objects.all()
    )
    assert AccessLogEntry.objects.filter(user=world.admin, what="indemnity report").count() == 1


def test_the_professionals_export_reads_back_in_xlsx(world: World, year: dict[str, str]) -> None:
    response = client_for(world.admin).get(
        f"{URL}export/", {**year, "what": "professionnels", "format": "xlsx"}
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = list(book.active.values)
    total = header.index("Total")
    assert sorted(row[total] for row in rows) == [30.0, 45.0]


def test_an_export_with_a_bad_period_says_so(world: World) -> None:
    page = client_for(world.admin).get(
        f"{URL}export/", {"date_from": "2026-05-01", "date_to": "2026-04-01", "what": "lignes"}
    )
    assert page.status_code == 400
    assert "se termine avant de commencer" in page.content.decode()


def test_the_report_costs_the_same_for_few_and_many_lines(
    world: World, year: dict[str, str], django_assert_max_num_queries
) -> None:
    client = client_for(world.admin)
    client.get(URL, year)  # warm the session
    with django_assert_max_num_queries(30) as few:
        assert client.get(URL, year).status_code == 200
    kind = indemnity_kind("sic_attendance")
    IndemnityLine.objects.bulk_create(
        IndemnityLine(
            professional=world.pharmacist.professional,
            kind=kind,
            entry=LineEntry.ITEM,
            amount=Decimal("30.00"),
            worked_on=timezone.localdate() - datetime.timedelta(days=i % 50),
            patient=world.own if i % 2 else world.other,
            why="volume",
        )
        for i in range(300)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL, year).status_code == 200
