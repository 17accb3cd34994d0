"""The translation of every refusal into the API's one error shape (`labparcours.api_errors`;
the router, which reads every app, is `programme.api`)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from labparcours.api_base import drf_errors
from labparcours.api_errors import PreconditionFailed, as_error, error_body
from labparcours.errors import DomainError, NotAllowed


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's one translation of refusals: `NotAllowed` (in scope, but not for this role)
    is a 403, a `DomainError` a 409, a model's validation a 400; DRF answers the rest (401,
    404, 429 with `Retry-After`…), each in the shape `{code, detail, errors?}`."""
    if isinstance(exc, NotAllowed):
        detail = exc.message or exceptions.PermissionDenied.default_detail
        return Response(error_body(exc.code, detail), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        # A model's own validation, reached past the serializer: still a structured 400.
        exc = serializers.ValidationError(drf_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = as_error(exc, response.status_code, response.data)
    if isinstance(exc, PreconditionFailed):
        response["ETag"] = exc.etag
    return response
