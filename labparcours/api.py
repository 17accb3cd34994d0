"""The API router (/api/v1/) and the translation of domain errors into structured answers."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from labparcours.api_base import drf_errors
from labparcours.errors import DomainError, NotAllowed

router = DefaultRouter()


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


def _register() -> None:
    from careplans.api import CarePlanViewSet
    from labparcours.api_tokens import ApiTokenViewSet
    from patients.api import PatientViewSet
    from sic.api import ContributionViewSet, SicViewSet
    from teams.api import CareTeamViewSet, ProfessionalViewSet

    router.register("patients", PatientViewSet, basename="patient")
    router.register("professionals", ProfessionalViewSet, basename="professional")
    router.register("teams", CareTeamViewSet, basename="team")
    router.register("sics", SicViewSet, basename="sic")
    router.register("contributions", ContributionViewSet, basename="contribution")
    router.register("careplans", CarePlanViewSet, basename="careplan")
    router.register("tokens", ApiTokenViewSet, basename="token")


_register()
