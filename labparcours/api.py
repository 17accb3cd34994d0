"""The translation of domain errors into structured API answers (the router, which reads
every app, is `programme.api`)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from labparcours.api_base import drf_errors
from labparcours.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        # A model's own validation, reached past the serializer: still a structured 400.
        exc = serializers.ValidationError(drf_errors(exc))
    return drf_exception_handler(exc, context)
