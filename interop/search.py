"""The FHIR searches by identifier: a patient by INS (`POST /fhir/Patient/_search`), a
professional by RPPS (`POST /fhir/Practitioner/_search`). The identifier travels in a form
body, as FHIR allows, never in a URL (`GET /fhir/Patient?identifier=…` is refused: an INS in
a URL would stay in the logs of every proxy on its way; the directory's searches follow the same
rule). A hospital's record system knows a patient by their INS and a professional by their
RPPS; the search gives it the programme's resource, within the caller's scope: a patient
outside it is not found (an empty bundle, as for an INS nobody has)."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from interop import conformance, people, systems
from interop.fhirtypes import Resource
from interop.reads import WHAT, patient_resource, visible_practitioners
from labparcours.access import log_access
from labparcours.http import api_user
from patients.models import Patient
from patients.selectors import visible_patients
from patients.validators import normalise_nir
from teams.models import Professional

# What a search may name: an identifier (its system and value, or the value alone).
PARAMETERS = ("identifier",)
INS_SYSTEMS = (systems.INS_NIR, systems.INS_NIA)
PRACTITIONER_SYSTEMS = (systems.RPPS, systems.IDNAT_PS)
ONE_INS = (
    "Give one identifier: the patient's INS, as system|value (system "
    f"{systems.INS_NIR} or {systems.INS_NIA}) or as its value alone."
)
ONE_RPPS = (
    "Give one identifier: the professional's RPPS number, as system|value (system "
    f"{systems.RPPS}, or {systems.IDNAT_PS} with the IdNatPs, 8 then the RPPS) or alone."
)
IN_A_URL = (
    "Search with POST /fhir/{resource}/_search, the identifier in a form body "
    "(application/x-www-form-urlencoded): an identifier is never read from a URL."
)


def _identifier(request: Request, one: str) -> tuple[str, str]:
    """The search's one identifier, as (system, value); a search with another parameter,
    or without exactly one identifier, is refused (400) and says why (`one`)."""
    unknown = sorted(set(request.data) - set(PARAMETERS))
    if unknown:
        raise ValidationError(
            f"Unknown search parameter: {', '.join(unknown)}. The search is by identifier only."
        )
    given = request.data.getlist("identifier") if hasattr(request.data, "getlist") else []
    if len(given) != 1 or not given[0].strip():
        raise ValidationError(one)
    system, _, value = given[0].strip().rpartition("|")
    return system, value


def patient_search(request: Request) -> Resource:
    """The caller's patients with this INS (one at most: an INS is unique), as a searchset."""
    system, value = _identifier(request, ONE_INS)
    found: list[Patient] = []
    ins = normalise_nir(value) if not system or system in INS_SYSTEMS else ""
    if ins:
        rows = visible_patients(api_user(request)).filter(nir=ins).select_related("care_team")
        found = list(rows[:1])
    for patient in found:  # a read of the patient's record, as `GET Patient/{id}`
        log_access(request, patient, WHAT["Patient"])
    return conformance.searchset(
        f"{systems.base_url()}/Patient/_search", [patient_resource(p) for p in found]
    )


def practitioner_search(request: Request) -> Resource:
    """The professional of the directory with this RPPS number (one at most), as the caller
    may read them (`visible_practitioners`); about no patient, so no read is logged."""
    system, value = _identifier(request, ONE_RPPS)
    number = "".join(value.split())
    if system == systems.IDNAT_PS:
        number = number[1:] if number.startswith("8") else ""
    elif system and system not in PRACTITIONER_SYSTEMS:
        number = ""
    found: list[Professional] = []
    if number:
        found = list(visible_practitioners(api_user(request)).filter(rpps=number)[:1])
    return conformance.searchset(
        f"{systems.base_url()}/Practitioner/_search", [people.practitioner(p) for p in found]
    )
