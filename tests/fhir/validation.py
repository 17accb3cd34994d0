"""Checks a FHIR resource: through the models of fhir.resources (R4B, 4.3.0: no maintained
release of the package ships the R4 4.0.1 models, and these resources are the same in both),
then what those models leave out: no empty element, and the codes of the statuses in their
R4 value sets."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class

# The required bindings the models do not check, from the R4 specification.
CODES = {
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("CareTeam", "status"): {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    ("CarePlan", "status"): {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("Goal", "lifecycleStatus"): {
        "proposed",
        "planned",
        "accepted",
        "active",
        "on-hold",
        "completed",
        "cancelled",
        "entered-in-error",
        "rejected",
    },
    ("Encounter", "status"): {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("QuestionnaireResponse", "status"): {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },
    ("Questionnaire", "status"): {"draft", "active", "retired", "unknown"},
    ("Consent", "status"): {
        "draft",
        "proposed",
        "active",
        "rejected",
        "inactive",
        "entered-in-error",
    },
    ("Bundle", "type"): {"searchset", "collection"},
}
ACTIVITY_STATUS = {
    "not-started",
    "scheduled",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "stopped",
    "unknown",
    "entered-in-error",
}
ITEM_TYPES = {"group", "text", "string", "choice", "date", "integer", "decimal", "boolean"}


def _no_empty(value: Any, path: str) -> None:
    assert value not in ("", [], {}, None), f"empty element at {path}"
    if isinstance(value, dict):
        for key, inner in value.items():
            _no_empty(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _no_empty(inner, f"{path}[{i}]")


def _items(items: list[dict]) -> None:
    for item in items:
        assert item["type"] in ITEM_TYPES
        _items(item.get("item", []))


def valid(resource: dict) -> dict:
    """The resource, once checked (every resource of a bundle too)."""
    kind = resource["resourceType"]
    get_fhir_model_class(kind).model_validate(resource)
    _no_empty(resource, kind)
    for (of, element), codes in CODES.items():
        if of == kind and element in resource:
            assert resource[element] in codes, f"{kind}.{element}: {resource[element]}"
    for act in resource.get("activity", []) if kind == "CarePlan" else []:
        assert act["detail"]["status"] in ACTIVITY_STATUS
    if kind == "Questionnaire":
        _items(resource["item"])
    for entry in resource.get("entry", []) if kind == "Bundle" else []:
        valid(entry["resource"])
    return resource
