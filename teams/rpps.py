"""The directory loaded from the national RPPS extract (« extraction RPPS en libre accès »).

The public extract `PS_LibreAcces_Personne_activite` is a pipe-separated text file, one line per
activity of a professional (a professional working at two sites has two lines, one after the
other), under the column names below. The import reads it as a stream — a batch of lines at a
time, whatever the file's size —, keeps the professions the programme works with, and for each
professional (keyed by RPPS number) creates the directory entry or updates it; it never deletes
one, and an empty cell never erases what the directory holds. Run twice, the second run changes
nothing. Every line it cannot use is refused with a reason, counted and listed.
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from teams.models import PracticeMode, Profession, Professional
from teams.validators import validate_rpps

# The extract's own column names.
ID_TYPE = "Type d'identifiant PP"
ID = "Identifiant PP"
LAST_NAME = "Nom d'exercice"
FIRST_NAME = "Prénom d'exercice"
PROFESSION_CODE = "Code profession"
PROFESSION_LABEL = "Libellé profession"
SPECIALTY_LABEL = "Libellé savoir-faire"
MODE = "Code mode exercice"
FINESS_SITE = "Numéro FINESS site"
ORGANISATION = "Raison sociale site"
STREET_NUMBER = "Numéro Voie (coord. structure)"
STREET_INDEX = "Indice répétition voie (coord. structure)"
STREET_TYPE = "Libellé type de voie (coord. structure)"
STREET = "Libellé Voie (coord. structure)"
POSTAL_CODE = "Code postal (coord. structure)"
CITY = "Libellé commune (coord. structure)"
CEDEX = "Bureau cedex (coord. structure)"
PHONE = "Téléphone (coord. structure)"
EMAIL = "Adresse e-mail (coord. structure)"
REQUIRED_COLUMNS = (ID_TYPE, ID, LAST_NAME, FIRST_NAME, PROFESSION_CODE, MODE)

RPPS_ID_TYPE = "8"  # "0" is an ADELI number: no RPPS to key the directory on

# Profession codes of the extract (nomenclature G15 of the ANS) the programme works with;
# a physician (10) is told apart by their specialty (« savoir-faire »).
PHYSICIAN = "10"
PROFESSIONS = {
    "21": Profession.PHARMACIST,
    "60": Profession.NURSE,
    "70": Profession.PHYSIOTHERAPIST,
    "80": Profession.PODIATRIST,
    "93": Profession.PSYCHOLOGIST,
    "95": Profession.DIETITIAN,
}
# Words of the specialty's label, lower case, without accents → the directory's profession.
SPECIALTIES = (
    ("medecine generale", Profession.GP),
    ("cardiologie", Profession.CARDIOLOGIST),
    ("endocrinologie", Profession.DIABETOLOGIST),
    ("nephrologie", Profession.NEPHROLOGIST),
    ("geriatrie", Profession.GERIATRICIAN),
    ("pneumologie", Profession.PULMONOLOGIST),
)
MODES = {"L": PracticeMode.LIBERAL, "S": PracticeMode.SALARIED, "B": PracticeMode.SALARIED}

# The fields an import writes (never `user`, never the MSSanté address it does not carry).
FIELDS = (
    "last_name",
    "first_name",
    "profession",
    "practice_mode",
    "organisation",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
)
BATCH = 1000


class Refusal(Exception):
    """A line the directory cannot take, and why (in the report's words)."""


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())


def _plain(text: str) -> str:
    table = str.maketrans("àâäéèêëîïôöùûüç", "aaaeeeeiioouuuc")
    return text.lower().translate(table)


def _name(text: str) -> str:
    """« DE RUIJTER » → « De Ruijter », « JEAN-PIERRE » → « Jean-Pierre »."""
    return text.strip().title()


def profession_of(row: dict[str, str]) -> str:
    code = row[PROFESSION_CODE].strip()
    if code == PHYSICIAN:
        specialty = _plain(row.get(SPECIALTY_LABEL, ""))
        for words, profession in SPECIALTIES:
            if words in specialty:
                return profession
        raise Refusal("specialty outside the programme")
    if code in PROFESSIONS:
        return PROFESSIONS[code]
    raise Refusal("profession outside the programme")


def fields_of(row: dict[str, str]) -> dict[str, str]:
    """The directory's fields from one line of the extract (Refusal when it cannot)."""
    if row[ID_TYPE].strip() != RPPS_ID_TYPE:
        raise Refusal("no RPPS number (ADELI only)")
    try:
        validate_rpps(row[ID].strip())
    except ValidationError as exc:
        raise Refusal("bad RPPS key" if exc.code == "rpps_key" else "bad RPPS number") from exc
    if not row[LAST_NAME].strip() or not row[FIRST_NAME].strip():
        raise Refusal("missing name")
    profession = profession_of(row)
    mode = MODES.get(row[MODE].strip(), PracticeMode.LIBERAL)
    if mode == PracticeMode.SALARIED and row.get(FINESS_SITE, "").strip():
        mode = PracticeMode.HOSPITAL
    street = " ".join(
        part.strip()
        for part in (row.get(STREET_NUMBER, ""), row.get(STREET_INDEX, ""))
        + (row.get(STREET_TYPE, ""), row.get(STREET, ""))
        if part.strip()
    )
    city = row.get(CITY, "").strip() or row.get(CEDEX, "").strip().partition(" ")[2]
    return {
        "last_name": _name(row[LAST_NAME])[:100],
        "first_name": _name(row[FIRST_NAME])[:100],
        "profession": profession,
        "practice_mode": mode,
        "organisation": row.get(ORGANISATION, "").strip()[:200],
        "address": street.title()[:200],
        "postal_code": row.get(POSTAL_CODE, "").strip()[:10],
        "city": city.title()[:100],
        "phone": row.get(PHONE, "").strip()[:30],
        "email": row.get(EMAIL, "").strip().lower()[:254],
    }


def _rows(file: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(file, delimiter="|", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        raise ValueError("The file is empty.")
    header = [name.strip().lstrip("\ufeff") for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ValueError(f"Not an RPPS extract: missing columns {', '.join(missing)}.")
    for number, cells in enumerate(reader, start=2):
        yield number, dict(zip(header, cells, strict=False))


# (line number, identifier, name, reason) of a refused line: written out at once (the CSV of
# refusals), never kept, so that memory does not grow with the file.
Refused = Callable[[tuple[int, str, str, str]], None]


def _people(
    rows: Iterable[tuple[int, dict[str, str]]], report: ImportReport, refused_line: Refused
) -> Iterator[tuple[str, dict[str, str]]]:
    """One (RPPS, fields) per professional: of their consecutive activity lines, the first
    liberal one the programme can use, else the first it can use; refusals reported."""
    for rpps, group in itertools.groupby(rows, key=lambda item: item[1].get(ID, "").strip()):
        usable: list[dict[str, str]] = []
        refused: list[tuple[int, dict[str, str], str]] = []
        for number, row in group:
            report.lines += 1
            try:
                usable.append(fields_of(row))
            except Refusal as refusal:
                refused.append((number, row, str(refusal)))
            except KeyError:
                refused.append((number, row, "missing cells"))
        if usable:
            liberal = [f for f in usable if f["practice_mode"] == PracticeMode.LIBERAL]
            yield rpps, (liberal or usable)[0]
            continue
        for number, row, reason in refused[:1]:  # one refusal per professional
            report.refused[reason] += 1
            name = f"{row.get(LAST_NAME, '')} {row.get(FIRST_NAME, '')}".strip()
            refused_line((number, rpps, name, reason))


def _merge(current: Professional, incoming: dict[str, str]) -> bool:
    """Write the incoming values on the entry; an empty one never erases. Whether it changed."""
    changed = False
    for name in FIELDS:
        value = incoming[name]
        if value and getattr(current, name) != value:
            setattr(current, name, value)
            changed = True
    return changed


def _write(batch: list[tuple[str, dict[str, str]]], report: ImportReport) -> None:
    known = {p.rpps: p for p in Professional.objects.filter(rpps__in=[rpps for rpps, _ in batch])}
    new = [Professional(rpps=rpps, **fields) for rpps, fields in batch if rpps not in known]
    changed = [
        known[rpps] for rpps, fields in batch if rpps in known and _merge(known[rpps], fields)
    ]
    with transaction.atomic():
        if new:
            bulk_create_with_history(new, Professional, batch_size=BATCH)
        if changed:
            bulk_update_with_history(changed, Professional, list(FIELDS), batch_size=BATCH)
    report.created += len(new)
    report.updated += len(changed)
    report.unchanged += len(batch) - len(new) - len(changed)


def rpps_import(
    file: IO[str],
    *,
    refused: Refused | None = None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Load the professionals of an RPPS extract into the directory, `BATCH` at a time;
    each refused line is handed to `refused` as it is met."""
    report = ImportReport()
    people = _people(_rows(file), report, refused or (lambda line: None))
    while batch := list(itertools.islice(people, BATCH)):
        _write(batch, report)
        if progress:
            progress(report)
    return report
