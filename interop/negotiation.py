"""What a FHIR client may ask for: JSON, by the Accept header or the `_format` parameter.
FHIR's XML and RDF are not served (406)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.utils.mediatypes import media_type_matches

from interop import systems

JSON_TYPES = {"*/*", "application/*", "application/json", systems.MEDIA_TYPE}
JSON_FORMATS = {"json", "application/json", systems.MEDIA_TYPE}
NOT_ACCEPTABLE = "This server answers in FHIR JSON only (application/fhir+json, application/json)."


class FhirJsonRenderer(BaseRenderer):
    media_type = systems.MEDIA_TYPE
    format = "json"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _accepts_json(media_range: str) -> bool:
    """One range of an Accept header: a JSON type, of FHIR release 4 when it names one,
    not refused (q=0)."""
    media_type, *parameters = (part.strip() for part in media_range.split(";"))
    params = dict(p.partition("=")[::2] for p in parameters if "=" in p)
    if media_type.lower() not in JSON_TYPES:
        return False
    if params.get("q", "1").strip() in {"0", "0.0", "0.00", "0.000"}:
        return False
    version = params.get("fhirVersion", "").strip('"')
    return not version or version.startswith("4.0")


def acceptable(request: Request) -> bool:
    wanted = request.query_params.get("_format", "").strip()
    if wanted and wanted.split(";")[0].strip().lower() not in JSON_FORMATS:
        return False
    accept = request.META.get("HTTP_ACCEPT", "").strip()
    return not accept or any(_accepts_json(r) for r in accept.split(","))


class FhirNegotiation(BaseContentNegotiation):
    """JSON or nothing: an Accept (or `_format`) that admits no JSON answers 406."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        """The parser of the body's type (a search's form); none for another (415)."""
        return next(
            (p for p in parsers if media_type_matches(p.media_type, request.content_type)), None
        )

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        if not acceptable(request):
            raise NotAcceptable(NOT_ACCEPTABLE)
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
