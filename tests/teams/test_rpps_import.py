"""The directory loaded from the national RPPS extract: created and updated by RPPS number,
never deleted, idempotent, every refused line with its reason, read as a stream."""

from __future__ import annotations

import csv
import io
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from teams.models import PracticeMode, Profession, Professional
from teams.rpps import rpps_import
from teams.validators import luhn_ok

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "rpps_sample.txt"


def run(path: Path, tmp_path: Path) -> tuple[str, list[list[str]]]:
    out, refusals = io.StringIO(), tmp_path / "refused.csv"
    call_command("import_rpps", str(path), refusals=refusals, stdout=out, stderr=io.StringIO())
    with refusals.open(encoding="utf-8") as file:
        return out.getvalue(), list(csv.reader(file))[1:]


def test_it_loads_the_professionals_of_the_programme_and_says_what_it_refused(
    tmp_path: Path,
) -> None:
    summary, refused = run(SAMPLE, tmp_path)
    assert "13 lines read: 6 professionals created, 0 updated, 0 unchanged, 6 refused." in summary
    by_name = {p.last_name: p for p in Professional.objects.filter(rpps__startswith="100")}
    assert {name: p.profession for name, p in by_name.items()} == {
        "Delannoy": Profession.GP,
        "Vandamme": Profession.NURSE,
        "Lefebvre": Profession.PHARMACIST,
        "Nguyen": Profession.CARDIOLOGIST,
        "Martin": Profession.DIABETOLOGIST,
        "Dubois": Profession.DIETITIAN,
    }
    gp = by_name["Delannoy"]
    # Two activity lines, one professional: the liberal practice is the one kept.
    assert (gp.first_name, gp.practice_mode, gp.city) == ("Jean-Pierre", "liberal", "Tourcoing")
    assert (gp.address, gp.postal_code, gp.phone) == ("12 Rue De La Gare", "59200", "0320000001")
    assert gp.email == "jp.delannoy@exemple.fr"
    assert by_name["Nguyen"].practice_mode == PracticeMode.HOSPITAL
    assert by_name["Nguyen"].organisation == "CH DE TOURCOING"
    assert sorted(reason for *_, reason in refused) == [
        "bad RPPS key",
        "missing cells",
        "missing name",
        "no RPPS number (ADELI only)",
        "profession outside the programme",
        "specialty outside the programme",
    ]
    assert ["9", "592612345", "BRUNEAU MARC", "no RPPS number (ADELI only)"] in refused


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    run(SAMPLE, tmp_path)
    before = list(Professional.objects.order_by("rpps").values())
    history = Professional.history.count()
    summary, _ = run(SAMPLE, tmp_path)
    assert "0 professionals created, 0 updated, 6 unchanged, 6 refused." in summary
    assert list(Professional.objects.order_by("rpps").values()) == before
    assert Professional.history.count() == history


def test_it_updates_by_rpps_never_erases_and_never_deletes(tmp_path: Path) -> None:
    run(SAMPLE, tmp_path)
    gp = Professional.objects.get(last_name="Delannoy")
    gp.city, gp.mssante_email, gp.phone = "Lille", "jp.delannoy@medecin.mssante.fr", ""
    gp.save()
    kept = Professional.objects.create(
        last_name="Hors", first_name="Extrait", profession="gp", practice_mode="liberal"
    )
    moved = SAMPLE.read_text(encoding="utf-8").replace("0320000001", "")
    path = tmp_path / "extract.txt"
    path.write_text(moved, encoding="utf-8")
    summary, _ = run(path, tmp_path)
    assert "1 updated" in summary
    gp.refresh_from_db()
    assert gp.city == "Tourcoing"  # the national reference wins
    assert gp.mssante_email == "jp.delannoy@medecin.mssante.fr"  # not in the extract: kept
    assert gp.phone == ""  # an empty cell never erases, and here nothing was there to erase
    assert Professional.objects.filter(pk=kept.pk).exists()
    assert gp.history.first().history_type == "~"


def test_a_file_that_is_not_an_extract_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text("nom;prénom\nDupont;Jean\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Not an RPPS extract"):
        call_command("import_rpps", str(path), stdout=io.StringIO())
    assert not Professional.objects.filter(last_name="Dupont").exists()


def _extract(lines: int, path: Path) -> Path:
    """A generated extract: one line in ten a nurse of the programme, the rest other
    professions (as in the national file, where most lines are outside the programme)."""
    header, *body = SAMPLE.read_text(encoding="utf-8").splitlines()
    nurse = body[2].split("|")
    other = body[9].split("|")
    out = path.open("w", encoding="utf-8")
    out.write(header + "\n")
    for n in range(lines):
        row = list(nurse if n % 10 == 0 else other)
        body = f"2{n:09d}"
        row[1] = next(body + key for key in "0123456789" if luhn_ok(body + key))
        out.write("|".join(row) + "\n")
    out.close()
    return path


def _peak(lines: int, tmp_path: Path) -> int:
    path = _extract(lines, tmp_path / f"extract-{lines}.txt")
    tracemalloc.start()
    try:
        with path.open(encoding="utf-8", newline="") as extract:
            report = rpps_import(extract, refused=lambda line: None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.created + report.unchanged == lines // 10
    return peak


def test_it_reads_the_file_as_a_stream(needs_postgres, tmp_path: Path, monkeypatch) -> None:
    """Memory does not grow with the file: ten times the lines, about the same peak — a batch
    of professionals at a time (100 here, so that both files fill several). Measured on
    PostgreSQL, the production database: on SQLite the Python heap grows with every INSERT
    the driver runs, whatever the importer does."""
    monkeypatch.setattr("teams.rpps.BATCH", 100)
    small, large = _peak(2_000, tmp_path), _peak(20_000, tmp_path)
    assert large < 1.5 * small
