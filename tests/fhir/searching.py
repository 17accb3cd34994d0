"""What the search tests send and check: a search by POST in a form body, its bundle valid,
the ids it found, a refusal's diagnostics."""

from __future__ import annotations

from urllib.parse import urlencode

from django.test import Client

from tests.fhir.validation import valid

SEARCH = "/fhir/Patient/_search"
FORM = "application/x-www-form-urlencoded"


def answered(response) -> dict:
    """The searchset of a 200, checked (FHIR JSON, a valid bundle)."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    bundle = valid(response.json())
    assert bundle["type"] == "searchset"
    return bundle


def body(**parameters: str) -> str:
    """A form body of these parameters (`family=…&birthdate=…`), the values as typed."""
    return urlencode(parameters)


def search(client: Client, body: str) -> dict:
    return answered(client.post(SEARCH, body, content_type=FORM))


def found(bundle: dict) -> list[str]:
    """The ids of the patients a one-page bundle holds (all its matches)."""
    assert bundle["total"] == len(bundle.get("entry", []))
    return ids(bundle)


def ids(bundle: dict) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


def refusal(response, status: int) -> str:
    assert response.status_code == status
    body = valid(response.json())
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]["diagnostics"]
