"""The small FHIR data types every resource family builds with: references, codings,
periods, dates. Resources are plain dicts, ready for JSON."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

Resource = dict[str, Any]


def ref(resource_type: str, pk: object, display: str = "") -> Resource:
    """A literal reference to a resource of this server, by its id (never a name)."""
    reference: Resource = {"reference": f"{resource_type}/{pk}"}
    if display:
        reference["display"] = display
    return reference


def coding(system: str, code: str, display: object = "") -> Resource:
    found: Resource = {"system": system, "code": code}
    if display:
        found["display"] = str(display)
    return found


def concept(*codings: Resource, text: object = "") -> Resource:
    """A CodeableConcept: its codings (none when no terminology has the code) and its text."""
    found: Resource = {}
    if codings:
        found["coding"] = list(codings)
    if text:
        found["text"] = str(text)
    return found


def instant(moment: datetime.datetime) -> str:
    """An aware moment in Paris time, to the second (FHIR dateTime and instant)."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def period(start: datetime.datetime | None, end: datetime.datetime | None = None) -> Resource:
    found: Resource = {}
    if start is not None:
        found["start"] = instant(start)
    if end is not None:
        found["end"] = instant(end)
    return found


def compact(resource: Resource) -> Resource:
    """The resource without its empty elements: FHIR forbids empty strings, lists and
    objects (an element is present with a value, or absent)."""
    return {key: value for key, value in resource.items() if value not in ("", None, [], {})}
