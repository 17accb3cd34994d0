"""The FHIR search of a patient by their INS: `POST /fhir/Patient/_search`, the identifier in a
form body as FHIR allows, never in a URL (`GET /fhir/Patient?identifier=…` is refused: an INS
in a URL would stay in the logs of every proxy on its way). A hospital's record system knows a
patient by their INS; the search gives it the programme's resource, within the caller's scope:
a patient outside it is not found (an empty bundle, as for an INS nobody has)."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from interop import conformance, systems
from interop.fhirtypes import Resource
from interop.reads import WHAT, patient_resource
from labparcours.access import log_access
from labparcours.http import api_user
from patients.models import Patient
from patients.selectors import visible_patients
from patients.validators import normalise_nir

# What a search may name: the patient's INS (its system and value, or the value alone).
PARAMETERS = ("identifier",)
INS_SYSTEMS = (systems.INS_NIR, systems.INS_NIA)
ONE_IDENTIFIER = (
    "Give one identifier: the patient's INS, as system|value (system "
    f"{systems.INS_NIR} or {systems.INS_NIA}) or as its value alone."
)
IN_A_URL = (
    "Search with POST /fhir/Patient/_search, the identifier in a form body "
    "(application/x-www-form-urlencoded): an identifier is never read from a URL."
)


def patient_search(request: Request) -> Resource:
    """The caller's patients with this INS (one at most: an INS is unique), as a searchset."""
    unknown = sorted(set(request.data) - set(PARAMETERS))
    if unknown:
        raise ValidationError(
            f"Unknown search parameter: {', '.join(unknown)}. Patients are searched by "
            "identifier (INS) only."
        )
    given = request.data.getlist("identifier") if hasattr(request.data, "getlist") else []
    if len(given) != 1 or not given[0].strip():
        raise ValidationError(ONE_IDENTIFIER)
    system, _, value = given[0].strip().rpartition("|")
    found: list[Patient] = []
    if not system or system in INS_SYSTEMS:
        ins = normalise_nir(value)
        rows = visible_patients(api_user(request)).filter(nir=ins) if ins else None
        found = list(rows.select_related("care_team")[:1]) if rows is not None else []
    for patient in found:  # a read of the patient's record, as `GET Patient/{id}`
        log_access(request, patient, WHAT["Patient"])
    return conformance.search_results(
        f"{systems.base_url()}/Patient/_search", [patient_resource(p) for p in found]
    )
