"""The FHIR searches: a patient by INS or by identity traits (`POST /fhir/Patient/_search`),
a professional by RPPS (`POST /fhir/Practitioner/_search`). The parameters travel in a form
body, as FHIR allows, never in a URL (`GET /fhir/Patient?identifier=…` is refused: an INS or a
name in a URL would stay in the logs of every proxy on its way; the directory's searches
follow the same rule, and so do the links to a search's next pages, interop.paging).

A hospital's record system knows a patient by their INS; one whose INS is not yet qualified,
by the identity traits of the French identity vigilance (RNIV): birth name, first name, birth
date, sex. The traits are matched exactly, capitals aside and, on PostgreSQL, accents aside
(as the dashboard's search compares names, labparcours.search; SQLite compares the letters as
they are, capitals of A to Z aside): « LEFEVRE » finds « Lefèvre », « Lefeb » nobody. A name
needs the birth date beside it: a name alone, over a whole programme, would be a way of
fishing for patients. The INS and the traits are not mixed: a search by INS is the qualified
one, and traits beside it would only make a patient the hospital knows vanish from the answer
over a spelling.

Every search answers within the caller's scope: a patient outside it is not found (an empty
bundle, as for an INS nobody has), and each patient found is a read of their record, logged."""

from __future__ import annotations

import datetime
import re

from django.db.models import F, QuerySet, Value
from django.db.models.lookups import Exact
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from interop import paging, people, systems
from interop.fhirtypes import Resource
from interop.paging import Criteria, Search
from interop.reads import WHAT, patient_resources, visible_practitioners
from labparcours.access import log_access
from labparcours.models import User
from labparcours.search import SearchText
from patients.models import Patient
from patients.selectors import visible_patients
from patients.validators import normalise_nir
from teams.models import Professional

TRAITS = ("family", "given", "birthdate", "gender")
PATIENT_PARAMETERS = ("identifier", *TRAITS, paging.COUNT)
PRACTITIONER_PARAMETERS = ("identifier", paging.COUNT)
INS_SYSTEMS = (systems.INS_NIR, systems.INS_NIA)
PRACTITIONER_SYSTEMS = (systems.RPPS, systems.IDNAT_PS)
GENDERS = ("male", "female", "other", "unknown")

ONE_INS = (
    "Give one identifier: the patient's INS, as system|value (system "
    f"{systems.INS_NIR} or {systems.INS_NIA}) or as its value alone."
)
ONE_RPPS = (
    "Give one identifier: the professional's RPPS number, as system|value (system "
    f"{systems.RPPS}, or {systems.IDNAT_PS} with the IdNatPs, 8 then the RPPS) or alone."
)
INS_OR_TRAITS = (
    "Search by the patient's INS (identifier) or by their identity traits: family (the birth "
    "name or the used name) and birthdate (YYYY-MM-DD), with given and gender to narrow it."
)
NAME_AND_BIRTHDATE = (
    "A search by identity traits needs both family (the birth name or the used name) and "
    "birthdate (YYYY-MM-DD); given (the first name) and gender narrow it. A name alone is "
    "not searched."
)
NOT_BOTH = (
    "Search either by identifier (the INS) or by identity traits (family, given, birthdate, "
    "gender), not both: a patient whose INS is known is found by it alone."
)
BAD_BIRTHDATE = "birthdate: give one full date, YYYY-MM-DD (only equality is searched)."
BAD_GENDER = f"gender: give one of {', '.join(GENDERS)}."
IN_A_URL = (
    "Search with POST /fhir/{resource}/_search, the parameters in a form body "
    "(application/x-www-form-urlencoded): an identifier or a name is never read from a URL."
)
_DATE = re.compile(r"(?:eq)?([0-9]{4}-[0-9]{2}-[0-9]{2})")


def _parameters(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The search's parameters, each value trimmed; a parameter this search does not take,
    or one given twice, is refused (400) and the refusal says so."""
    data = request.data
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(
            f"Unknown search parameter: {', '.join(unknown)}. "
            f"This search takes {', '.join(allowed)}."
        )
    values = {name: data.getlist(name) for name in data} if hasattr(data, "getlist") else {}
    repeated = sorted(name for name, given in values.items() if len(given) > 1)
    if repeated:
        raise ValidationError(f"Give each search parameter once: {', '.join(repeated)} twice.")
    return {name: " ".join(given[0].split()) for name, given in values.items()}


def _identifier(given: dict[str, str], one: str) -> tuple[str, str]:
    """The search's identifier, as (system, value); refused (400) when empty."""
    if not given.get("identifier"):
        raise ValidationError(one)
    system, _, value = given["identifier"].rpartition("|")
    return system, value


def _paged(request: Request, search: Search, given: dict[str, str], criteria: Criteria) -> Resource:
    count = paging.page_size(given.get(paging.COUNT))
    return paging.first_page(request, search, criteria, count)


# --- A patient ------------------------------------------------------------------------------


def patient_search(request: Request) -> Resource:
    """The caller's patients with this INS (one at most: an INS is unique), or with these
    identity traits, as a searchset."""
    given = _parameters(request, PATIENT_PARAMETERS)
    traits = {name: given[name] for name in TRAITS if given.get(name)}
    if "identifier" in given:
        if traits:
            raise ValidationError(NOT_BOTH)
        system, value = _identifier(given, ONE_INS)
        ins = normalise_nir(value) if not system or system in INS_SYSTEMS else ""
        return _paged(request, PATIENTS, given, {"ins": ins})
    if not traits:
        raise ValidationError(INS_OR_TRAITS)
    return _paged(request, PATIENTS, given, _traits(traits))


def patient_page(request: Request, search_id: str) -> Resource:
    """A next page of a patient search (`GET Patient/_search/{id}?page=`)."""
    return paging.next_page(request, PATIENTS, search_id)


def _traits(traits: dict[str, str]) -> Criteria:
    """The identity traits searched, checked: a name and a birth date at least."""
    if "family" not in traits or "birthdate" not in traits:
        raise ValidationError(NAME_AND_BIRTHDATE)
    date = _DATE.fullmatch(traits["birthdate"])
    try:
        born = datetime.date.fromisoformat(date.group(1)) if date else None
    except ValueError:
        born = None
    if born is None:
        raise ValidationError(BAD_BIRTHDATE)
    if traits.get("gender", "unknown") not in GENDERS:
        raise ValidationError(BAD_GENDER)
    return {**traits, "birthdate": born.isoformat()}


def _same(field: str, typed: str) -> Exact:
    """`field` is `typed`, capitals (and accents, on PostgreSQL) aside."""
    return Exact(SearchText(F(field)), SearchText(Value(typed)))


def _visible_patients(user: User) -> QuerySet[Patient]:
    return visible_patients(user).select_related("care_team")


def _matching_patients(patients: QuerySet[Patient], criteria: Criteria) -> QuerySet[Patient]:
    if "ins" in criteria:
        return patients.filter(nir=criteria["ins"]) if criteria["ins"] else patients.none()
    family = criteria["family"]
    found = patients.filter(birth_date=criteria["birthdate"]).filter(
        _same("last_name", family) | _same("birth_name", family)
    )
    if "given" in criteria:
        found = found.filter(_same("first_name", criteria["given"]))
    if "gender" in criteria:
        sexes = [sex for sex, gender in people.GENDER.items() if gender == criteria["gender"]]
        found = found.filter(sex__in=sexes)
    return found


def _patients_shown(request: Request, found: list[Patient]) -> list[Resource]:
    """Each patient found is a read of their record, as `GET Patient/{id}`."""
    log_access(request, found, WHAT["Patient"], listed=False)
    return patient_resources(found)


PATIENTS = Search("Patient", _visible_patients, _matching_patients, _patients_shown)


# --- A professional -------------------------------------------------------------------------


def practitioner_search(request: Request) -> Resource:
    """The professional of the directory with this RPPS number (one at most), as the caller
    may read them (`visible_practitioners`); about no patient, so no read is logged."""
    given = _parameters(request, PRACTITIONER_PARAMETERS)
    system, value = _identifier(given, ONE_RPPS)
    number = "".join(value.split())
    if system == systems.IDNAT_PS:
        number = number[1:] if number.startswith("8") else ""
    elif system and system not in PRACTITIONER_SYSTEMS:
        number = ""
    return _paged(request, PRACTITIONERS, given, {"rpps": number})


def _matching_practitioners(
    found: QuerySet[Professional], criteria: Criteria
) -> QuerySet[Professional]:
    return found.filter(rpps=criteria["rpps"]) if criteria["rpps"] else found.none()


PRACTITIONERS = Search(
    "Practitioner",
    visible_practitioners,
    _matching_practitioners,
    lambda request, found: [people.practitioner(p) for p in found],
)
