"""The translation of domain errors into structured API answers (the router, which reads
every app, is `programme.api`)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from labparcours.api_base import drf_errors
from labparcours.errors import DomainError, NotAllowed


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's one translation of refusals: `NotAllowed` (in scope, but not for this role)
    is a 403, a `DomainError` a 409, a model's validation a 400; DRF answers the rest."""
    if isinstance(exc, NotAllowed):
        detail = exc.message or exceptions.PermissionDenied.default_detail
        return Response({"code": exc.code, "detail": detail}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        # A model's own validation, reached past the serializer: still a structured 400.
        exc = serializers.ValidationError(drf_errors(exc))
    return drf_exception_handler(exc, context)
