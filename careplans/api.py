from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
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
from labparcours.api_base import (
    AccessLoggedMixin,
    ConditionalWrites,
    ModelSerializer,
    PdfRenderer,
    attach_rows,
)
from labparcours.http import api_user
from labparcours.uploads import UploadSerializerField, serve_upload
from teams.models import Membership, Professional


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


class CarePlanListSerializer(serializers.ListSerializer):
    """A page of plans: the goals and actions of all of them read in one query each, as
    plain rows."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        plans = list(data)
        with_part_rows(plans)
        return super().to_representation(plans)


def with_part_rows(plans: list[CarePlan]) -> None:
    """Give each plan `goal_rows` and `action_rows`: its goals and actions, in their order, as
    rows holding what the plan's answer shows of them (an action's `who` included)."""
    goals = Goal.objects.values("plan_id", *GoalSerializer.row_columns())
    attach_rows(plans, goals, by="plan_id", to="goal_rows")
    actions = Action.objects.values("plan_id", *ActionSerializer.row_columns())
    attach_rows(plans, actions, by="plan_id", to="action_rows")
    rows = [row for plan in plans for row in plan.action_rows]  # type: ignore[attr-defined]
    members = member_names({row["membership_id"] for row in rows} - {None})
    for row in rows:
        row["who"] = Action.who_label(
            owner=row["owner"], member=members.get(row["membership_id"]), provider=row["provider"]
        )


def member_names(membership_ids: set[int]) -> dict[int, str]:
    """The name of the professional of each of these team memberships, in one query."""
    if not membership_ids:
        return {}
    names = (
        Membership.objects.filter(pk__in=membership_ids)
        .order_by()
        .values_list("pk", "professional__first_name", "professional__last_name")
    )
    return {pk: Professional.full_name(first, last) for pk, first, last in names}


class CarePlanSerializer(ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True, source="goal_rows")
    actions = ActionSerializer(many=True, read_only=True, source="action_rows")

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
        list_serializer_class = CarePlanListSerializer

    def to_representation(self, instance: CarePlan) -> dict[str, Any]:
        if not hasattr(instance, "goal_rows"):  # one plan, not a page's
            with_part_rows([instance])
        return super().to_representation(instance)


class ValidateSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=ValidationMethod.choices, default=ValidationMethod.ONLINE
    )
    scan = UploadSerializerField(required=False)


class ChangesSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class CarePlanFilter(django_filters.FilterSet):
    # Filtered as a value, never looked up: a patient outside the scope gives an empty list,
    # as an id nobody has (a lookup would answer 400 for the one and not the other).
    patient = django_filters.UUIDFilter(field_name="patient_id")

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
    patient_of = staticmethod(lambda plan: plan.patient_id)
    queryset = CarePlan.objects.none()

    def get_queryset(self) -> QuerySet[CarePlan]:
        # By the patient's id, not their name: read in the order of the unique index
        # (patient, version) instead of joining and sorting every plan of the programme.
        plans = visible_plans(api_user(self.request)).order_by("patient_id", "-version")
        if getattr(self, "detail", False):  # its actions read the patient (the PDF, a validation…)
            plans = plans.select_related("patient")
        return plans

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
