from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from careplans.models import Action, CarePlan, Goal, ValidationMethod
from careplans.pdf import careplan_pdf
from careplans.selectors import visible_plans
from careplans.services import careplan_changes_request, careplan_validation_record
from labparcours.api_base import AccessLoggedMixin, ConditionalWrites, ModelSerializer, PdfRenderer
from labparcours.http import api_user
from labparcours.uploads import UploadSerializerField, serve_upload


class GoalSerializer(ModelSerializer):
    class Meta:
        model = Goal
        fields = ("id", "text")


class ActionSerializer(ModelSerializer):
    who = serializers.CharField(read_only=True)

    class Meta:
        model = Action
        fields = (
            "id",
            "what",
            "owner",
            "membership",
            "provider",
            "care_provider",
            "who",
            "when",
            "due_date",
            "repeat_every",
            "repeat_unit",
            "status",
        )


class CarePlanSerializer(ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = CarePlan
        fields = (
            "id",
            "patient",
            "version",
            "sic",
            "status",
            "proposed_at",
            "changes_comment",
            "changes_answer",
            "validated_at",
            "validation_method",
            "goals",
            "actions",
        )
        read_only_fields = fields


class ValidateSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=ValidationMethod.choices, default=ValidationMethod.ONLINE
    )
    scan = UploadSerializerField(required=False)


class ChangesSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class CarePlanFilter(django_filters.FilterSet):
    class Meta:
        model = CarePlan
        fields = ("patient", "status")


class CarePlanViewSet(
    ConditionalWrites,
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Care plans of the patients in the caller's scope (the patient's side sees no draft)."""

    serializer_class = CarePlanSerializer
    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = CarePlanFilter
    access_what = "care plan"
    patient_of = staticmethod(lambda plan: plan.patient)
    queryset = CarePlan.objects.none()

    def get_queryset(self) -> QuerySet[CarePlan]:
        return (
            visible_plans(api_user(self.request))
            .select_related("patient")
            .prefetch_related(
                "goals",
                Prefetch("actions", Action.objects.select_related("membership__professional")),
            )
            # By the patient's id, not their name: read in the order of the unique index
            # (patient, version) instead of joining and sorting every plan of the programme.
            .order_by("patient_id", "-version")
        )

    def _answer(self, plan: CarePlan) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=ValidateSerializer, responses=CarePlanSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def validate(self, request: Request, pk: str | None = None) -> Response:
        """The patient (or their caregiver) validates online; the coordinator records a
        validation by phone, or on paper with the scanned sheet."""
        plan = self.get_object()
        payload = ValidateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        careplan_validation_record(
            plan=plan,
            by=api_user(request),
            method=payload.validated_data["method"],
            scan=payload.validated_data.get("scan"),
        )
        return self._answer(plan)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        }
    )
    @action(detail=True, methods=["get"], access_what="care plan (signed sheet)")
    def scan(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        """The scanned sheet of a validation on paper, as a download (404 when there is none)."""
        plan = self.get_object()
        return serve_upload(plan.validation_scan, filename=plan.scan_filename)

    @extend_schema(request=ChangesSerializer, responses=CarePlanSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        payload = ChangesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        careplan_changes_request(
            plan=plan, by=api_user(request), comment=payload.validated_data["comment"]
        )
        return self._answer(plan)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(
        detail=True, methods=["get"], renderer_classes=[PdfRenderer], access_what="care plan (PDF)"
    )
    def pdf(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        plan = self.get_object()
        return Response(
            careplan_pdf(plan),
            headers={
                "Content-Disposition": f'inline; filename="plan-de-soins-v{plan.version}.pdf"'
            },
        )
