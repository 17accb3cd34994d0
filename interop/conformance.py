"""What the server says of itself and of its answers: the capability statement, the
outcome of a refused request, the bundle of a patient's record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from interop import systems
from interop.fhirtypes import Resource

# The resources served, read by id; Patient also answers $everything.
READABLE = (
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "CareTeam",
    "CarePlan",
    "Goal",
    "Encounter",
    "Questionnaire",
    "QuestionnaireResponse",
    "Consent",
)
# When this statement last changed (CapabilityStatement.date).
PUBLISHED = "2026-12-07"
# The resources searched (interop.search), and by what: (name, type, documentation).
SEARCH_PARAMETERS = {
    "Patient": (
        (
            "identifier",
            "token",
            "The patient's INS (INS-NIR or INS-NIA): system|value, or the value alone. Not "
            "with the identity traits.",
        ),
        (
            "family",
            "string",
            "The birth name or the used name, exactly, capitals and accents aside. With "
            "birthdate: a name alone is refused.",
        ),
        ("given", "string", "The first name, exactly, capitals and accents aside."),
        (
            "birthdate",
            "date",
            "The birth date, a full date YYYY-MM-DD, equality only. With family.",
        ),
        ("gender", "token", "male, female, other or unknown."),
    ),
    "Practitioner": (
        (
            "identifier",
            "token",
            "The professional's RPPS number (system https://rpps.esante.gouv.fr) or IdNatPs "
            "(urn:oid:1.2.250.1.71.4.2.1): system|value, or the RPPS alone.",
        ),
    ),
}
SEARCH_DOCUMENTATION = (
    "POST [base]/{type}/_search with the parameters in a form body "
    "(application/x-www-form-urlencoded); a search in the URL (GET [base]/{type}?…) is "
    "refused, so that no identifier or name travels in a URL. Within the caller's scope: a "
    "patient outside it is not found. Paging: _count matches a page (20 by default, 1 to "
    "100); Bundle.total counts every match. When more match, the next link "
    "(GET [base]/{type}/_search/{{id}}?page=n) names only a search kept on the server for ten "
    "minutes, for the user who searched, as the ids it matched (never its parameters): anyone "
    "else, or later, is answered 404."
)

SECURITY = (
    "Every request is authenticated, except this statement: a personal API token "
    "(Authorization: Bearer <token>, created in the application under « Jetons d’API ») or the "
    "session of the web application. A resource is read within the caller's scope only: a "
    "patient outside it answers 404, as on every page of the application, and every read of a "
    "patient's data is written to the patient's access log."
)
VALIDATION = (
    "Resources follow FHIR R4 (4.0.1). They are checked in the test suite with the R4B "
    "(4.3.0) models of the fhir.resources package, identical to R4 for these resources: no "
    "maintained release of that package ships the 4.0.1 models. French identifiers follow the "
    "FR Core implementation guide's systems (INS-NIR, IdNatPs, RPPS); resources do not claim "
    "FR Core profiles."
)


def capability_statement() -> Resource:
    resources = []
    for resource_type in READABLE:
        entry: Resource = {"type": resource_type, "interaction": [{"code": "read"}]}
        if resource_type in SEARCH_PARAMETERS:
            entry["interaction"].append(
                {
                    "code": "search-type",
                    "documentation": SEARCH_DOCUMENTATION.format(type=resource_type),
                }
            )
            entry["searchParam"] = [
                {"name": name, "type": kind, "documentation": documentation}
                for name, kind, documentation in SEARCH_PARAMETERS[resource_type]
            ]
        if resource_type == "Patient":
            entry["operation"] = [
                {"name": "everything", "definition": systems.OPERATION_EVERYTHING}
            ]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": PUBLISHED,
        "publisher": "Lab Parcours",
        "kind": "instance",
        "software": {"name": "Lab Parcours"},
        "implementation": {
            "description": "Lab Parcours: the care team and the care plan, read-only. "
            + VALIDATION,
            "url": systems.base_url(),
        },
        "fhirVersion": systems.FHIR_VERSION,
        "format": [systems.MEDIA_TYPE, "json"],
        "rest": [
            {
                "mode": "server",
                "security": {"description": SECURITY},
                "resource": resources,
            }
        ],
    }


def operation_outcome(code: str, diagnostics: str) -> Resource:
    """Why a request was refused (`code`: not-found, login, forbidden, not-supported…)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }


def full_url(resource: Resource) -> str:
    return f"{systems.base_url()}/{resource['resourceType']}/{resource['id']}"


def searchset(
    self_url: str,
    matches: list[Resource],
    included: Iterable[Resource] = (),
    *,
    total: int | None = None,
    links: Mapping[str, str] | None = None,
) -> Resource:
    """A search's bundle: the resources it matched (`total` of them in all, when a page shows
    fewer; interop.paging), then what it includes ($everything); without `entry` when there
    is nothing (FHIR allows no empty element). `links`: the other pages (`next`, `previous`)."""
    entries = [
        {"fullUrl": full_url(r), "resource": r, "search": {"mode": mode}}
        for mode, resources in (("match", matches), ("include", included))
        for r in resources
    ]
    bundle: Resource = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(matches) if total is None else total,
        "link": [
            {"relation": relation, "url": url}
            for relation, url in {"self": self_url, **(links or {})}.items()
        ],
    }
    if entries:
        bundle["entry"] = entries
    return bundle
