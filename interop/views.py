"""The FHIR endpoints: one read view per resource type (its read is in `interop.reads`),
the capability statement, and every refusal as an OperationOutcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from rest_framework import exceptions, permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interop import conformance, systems
from interop.fhirtypes import Resource
from interop.negotiation import FhirJsonRenderer, FhirNegotiation
from interop.search import IN_A_URL
from labparcours.errors import NotAllowed

Read = Callable[[Request, str], Resource]
Search = Callable[[Request], Resource]

# A refusal's status and its FHIR issue type.
ISSUE = {
    status.HTTP_401_UNAUTHORIZED: "login",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not-found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "not-supported",
    status.HTTP_406_NOT_ACCEPTABLE: "not-supported",
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "not-supported",
}


def _text(detail: Any) -> str:
    if isinstance(detail, dict):
        return str(detail.get("detail") or next(iter(detail.values()), ""))
    if isinstance(detail, list):
        return " ".join(str(d) for d in detail)
    return str(detail)


def fhir_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every refusal as an OperationOutcome: 404 outside the scope (as on every page), 401
    without authentication, 403 for a role in scope, 406 for a format not served."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Resource not found, or outside your scope.")
    elif isinstance(exc, PermissionDenied | NotAllowed):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    code = ISSUE.get(exc.status_code, "processing")
    outcome = conformance.operation_outcome(code, _text(exc.detail))
    return Response(outcome, status=exc.status_code, headers=headers)


class FhirView(APIView):
    """The DRF view of a FHIR interaction: the API's authentication (personal token or
    session), FHIR JSON in and out, refusals as OperationOutcome."""

    # FHIR describes itself (/fhir/metadata), not in the REST API's OpenAPI schema.
    schema = None
    renderer_classes = (FhirJsonRenderer,)
    content_negotiation_class = FhirNegotiation
    permission_classes: tuple[type[permissions.BasePermission], ...] = (
        permissions.IsAuthenticated,
    )
    http_method_names: tuple[str, ...] = ("get", "head")

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return fhir_exception_handler

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Read when the answer is rendered (after this), in place of the renderer's type.
        response.content_type = systems.CONTENT_TYPE
        return response


class ReadView(FhirView):
    """`GET /fhir/{type}/{id}`: one resource, read through its `read` (interop.reads)."""

    read: Read | None = None

    def get(self, request: Request, pk: str) -> Response:
        if self.read is None:
            raise ImproperlyConfigured("ReadView.as_view(read=…) names the read.")
        return Response(self.read(request, pk))


class SearchView(FhirView):
    """`POST /fhir/{type}/_search`: a search, its parameters in a form body
    (interop.search)."""

    http_method_names = ("post",)
    parser_classes = (FormParser, MultiPartParser)
    search: Search | None = None

    def post(self, request: Request) -> Response:
        if self.search is None:
            raise ImproperlyConfigured("SearchView.as_view(search=…) names the search.")
        return Response(self.search(request))


class SearchInUrlView(FhirView):
    """`GET /fhir/{type}?…`: refused, the parameters would be in the URL (`SearchView`)."""

    resource = ""

    def get(self, request: Request) -> Response:
        raise exceptions.MethodNotAllowed("GET", detail=IN_A_URL.format(resource=self.resource))


class CapabilityView(FhirView):
    """`GET /fhir/metadata`: public, as FHIR clients read it before they authenticate (it
    says how to); it holds nothing of any patient."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    def get(self, request: Request) -> Response:
        return Response(conformance.capability_statement())
