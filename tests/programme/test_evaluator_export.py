"""The evaluators' export: no direct identifier in any cell of any file (every name, e-mail,
phone number, NIR and birth date of the data set looked for), the same pseudonym for the same
patient from one export to the next and another one with another key, free texts only when
asked for, each export recorded and logged; the funder's report read back."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile

import openpyxl
import pytest

from labparcours.models import AccessLogEntry, User
from patients.models import Caregiver, Patient
from programme.models import ExportKind, ExportRecord
from programme.pseudonym import pseudonym
from teams.models import Professional
from tests.conftest import World, client_for
from tests.programme.indicator_cohort import build

URL = "/indicateurs/export-evaluation/?du=2025-01-01&au=2025-12-31"
TABLES = ("patients", "sics", "contributions", "care_plans", "pathway_events", "budget")


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        module_world.cohort = build(module_world)
    return module_world


def download(world: World, url: str = URL) -> dict[str, list[list[object]]]:
    """Every file of the zip as rows of cells (CSV and XLSX alike)."""
    response = client_for(world.admin).get(url)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    files: dict[str, list[list[object]]] = {}
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".csv"):
            text = data.decode("utf-8-sig")
            files[name] = [list(row) for row in csv.reader(io.StringIO(text), delimiter=";")]
        else:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            files[name] = [list(row) for row in book.active.iter_rows(values_only=True)]
    return files


def identifiers() -> tuple[set[str], set[str], set[datetime.date]]:
    """The names (as words), the other identifiers (as text) and the birth dates of everyone
    in the data set: patients, caregivers, users, professionals."""
    names: set[str] = set()
    texts: set[str] = set()
    for p in Patient.objects.all():
        names |= {p.last_name, p.first_name, p.birth_name}
        texts |= {p.email, p.nir, p.address}
        texts.add(re.sub(r"\D", "", p.phone))
    for c in Caregiver.objects.all():
        names |= {c.first_name, c.last_name}
        texts |= {c.email, re.sub(r"\D", "", c.phone)}
    for u in User.objects.all():
        names |= {u.first_name, u.last_name}
        texts.add(u.email)
    for pro in Professional.objects.all():
        names |= {pro.first_name, pro.last_name}
        texts |= {pro.email, pro.rpps, re.sub(r"\D", "", pro.phone)}
    births = set(Patient.objects.values_list("birth_date", flat=True))
    words = {w.lower() for n in names for w in re.findall(r"\w+", n or "") if len(w) > 1}
    return words, {t for t in texts if t and len(t) >= 6}, births


def leaks(files: dict[str, list[list[object]]]) -> list[str]:
    words, texts, births = identifiers()
    found = []
    for name, rows in files.items():
        for row in rows:
            for cell in row:
                if cell is None:
                    continue
                if isinstance(cell, datetime.datetime | datetime.date):
                    day = cell.date() if isinstance(cell, datetime.datetime) else cell
                    if day in births:
                        found.append(f"{name}: birth date {day}")
                    continue
                text = str(cell)
                digits = re.sub(r"\D", "", text)
                found += [
                    f"{name}: {t!r}" for t in texts if t in text or (t.isdigit() and t in digits)
                ]
                if not name.startswith("dictionnaire"):
                    # The dictionary is our own text, no data: a drawn name may be one of its
                    # French words (the e-mails, numbers and dates are looked for there too).
                    found += [
                        f"{name}: name {w!r}"
                        for w in re.findall(r"\w+", text.lower())
                        if w in words
                    ]
                found += [
                    f"{name}: birth date {b}"
                    for b in births
                    if b.isoformat() in text or f"{b:%d/%m/%Y}" in text
                ]
    return found


def test_no_cell_of_any_file_holds_a_direct_identifier(world: World) -> None:
    files = download(world)
    assert {f"{t}.{ext}" for t in TABLES for ext in ("csv", "xlsx")} <= set(files)
    assert {"dictionnaire.csv", "dictionnaire.xlsx"} <= set(files)
    assert len(files["patients.csv"]) == 4  # the header, A, B and C
    assert leaks(files) == []


def test_free_texts_leave_only_when_the_admin_asks(world: World) -> None:
    without = download(world)
    assert not any("marché" in str(c) for row in without["contributions.csv"] for c in row)
    with_texts = download(world, URL + "&textes_libres=on")
    assert any("marché" in str(c) for row in with_texts["contributions.csv"] for c in row)
    assert "texts" in with_texts["contributions.csv"][0]
    assert "texts" not in without["contributions.csv"][0]
    # The scan finds a name when there is one: the patient's text names « Mme Aubry ».
    assert any("aubry" in leak for leak in leaks(with_texts))


def test_the_same_patient_has_the_same_pseudonym_and_another_with_another_key(
    world: World, settings
) -> None:
    first = {row[0] for row in download(world)["patients.csv"][1:]}
    second = {row[0] for row in download(world)["patients.csv"][1:]}
    assert first == second
    key = settings.LABPARCOURS_PSEUDONYM_KEY.encode()
    assert pseudonym(world.cohort.a.pk, key) in first
    settings.LABPARCOURS_PSEUDONYM_KEY = "another-key"
    third = {row[0] for row in download(world)["patients.csv"][1:]}
    assert len(third) == 3
    assert third.isdisjoint(first)


def test_birth_dates_become_years_and_postcodes_two_digits(world: World) -> None:
    rows = download(world)["patients.csv"]
    header = rows[0]
    a = next(
        r for r in rows[1:] if r[0] == pseudonym(world.cohort.a.pk, b"test-only-pseudonym-key")
    )
    assert a[header.index("birth_year")] == "1948"
    assert a[header.index("postcode_prefix")] == "59"


def test_each_export_is_recorded_and_logged_for_each_patient(world: World) -> None:
    download(world)
    record = ExportRecord.objects.get(kind=ExportKind.EVALUATION)
    assert record.by == world.admin
    assert record.filters["du"] == "2025-01-01"
    assert record.patients == 3
    logged = set(
        AccessLogEntry.objects.filter(what="evaluation export").values_list("patient_id", flat=True)
    )
    assert logged == {world.cohort.a.pk, world.cohort.b.pk, world.cohort.c.pk}


def test_the_export_is_refused_without_a_key(world: World, settings) -> None:
    settings.LABPARCOURS_PSEUDONYM_KEY = ""
    response = client_for(world.admin).get(URL)
    assert response.status_code == 503
    assert not ExportRecord.objects.exists()


def test_the_key_missing_in_production_is_said_at_start_up(settings) -> None:
    from programme.pseudonym import check_pseudonym_key

    settings.LABPARCOURS_PSEUDONYM_KEY = ""
    settings.DEBUG = False
    assert [m.id for m in check_pseudonym_key()] == ["programme.W001"]


def test_the_funders_workbook_reads_back_with_the_figures(world: World) -> None:
    response = client_for(world.coordinator).get(
        "/indicateurs/rapport/?du=2025-01-01&au=2025-12-31&format=xlsx"
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    by_key = {row[1]: row for row in rows[3:]}
    assert by_key["followup_7d"][3:6] == (3, 4, 75)
    assert by_key["sic_overdue"][3:5] == (2, 3)
    assert ExportRecord.objects.get(kind=ExportKind.FUNDER_REPORT).patients == 3


def test_the_funders_pdf_is_a_pdf(world: World) -> None:
    response = client_for(world.coordinator).get(
        "/indicateurs/rapport/?du=2025-01-01&au=2025-12-31&format=pdf"
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
