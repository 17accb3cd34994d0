from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from labparcours.api_base import (
    AccessLoggedMixin,
    ConditionalWrites,
    CoordinatorWrites,
    ModelSerializer,
    candidate,
    model_clean,
)
from labparcours.http import api_user
from labparcours.models import AccessLogEntry
from labparcours.permissions import require
from patients.models import Caregiver, Consent, Patient
from patients.rules import can_audit_access_log, can_read_access_log
from patients.selectors import visible_patients
from patients.services import consent_record, patient_create
from programme.workflows import patient_include


class PatientSerializer(ModelSerializer):
    class Meta:
        model = Patient
        fields = (
            "id",
            *Patient.EDITABLE_FIELDS,
            "status",
            "inclusion_date",
            "exit_date",
            "exit_reason",
            "coordinator",
        )
        read_only_fields = (
            "id",
            "status",
            "inclusion_date",
            "exit_date",
            "exit_reason",
            "coordinator",
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        patient = candidate(self, attrs, coordinator=self.context["request"].user)
        model_clean(patient)
        attrs["nir"] = patient.nir
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Patient:
        return patient_create(
            coordinator=self.context["request"].user, consents=[], **validated_data
        )


class ConsentSerializer(ModelSerializer):
    """A consent of the patient. A delegation (`caregiver_delegation`) names one of the
    patient's caregivers, and may be given again after it was withdrawn."""

    recorded_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Consent
        fields = ("id", "kind", "caregiver", "given_at", "withdrawn_at", "recorded_by")
        read_only_fields = ("id", "withdrawn_at", "recorded_by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        patient = self.context.get("patient")
        caregivers = patient.caregivers.all() if patient else Caregiver.objects.none()
        field = cast("serializers.PrimaryKeyRelatedField[Caregiver]", self.fields["caregiver"])
        # The stubs type `queryset` as QuerySet | Manager; mypy binds Manager's __get__ here.
        field.queryset = caregivers  # type: ignore[arg-type]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        model_clean(
            Consent(
                patient=self.context["patient"],
                recorded_by=self.context["request"].user,
                **attrs,
            )
        )
        return attrs


class AccessLogEntrySerializer(ModelSerializer):
    """A read as the patient and their caregiver see it: who (name, and profession or role)
    and when — never the reader's IP address."""

    user: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    role = serializers.CharField(source="reader_role", read_only=True)

    class Meta:
        model = AccessLogEntry
        fields: tuple[str, ...] = ("at", "user", "role", "what")


class AdminAccessLogEntrySerializer(AccessLogEntrySerializer):
    """A read as programme management sees it: with the address it came from."""

    class Meta(AccessLogEntrySerializer.Meta):
        fields = (*AccessLogEntrySerializer.Meta.fields, "ip_address")


class PatientFilter(django_filters.FilterSet):
    class Meta:
        model = Patient
        fields = ("pathway", "status")


class PatientViewSet(
    ConditionalWrites,
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Patients in the caller's scope; a patient outside it answers 404."""

    serializer_class = PatientSerializer
    permission_classes = (CoordinatorWrites,)
    filterset_class = PatientFilter
    cursor_ordering = "pk"  # the access log's action reads newest first: "-at"
    access_what = "patient"
    if_match_exempt = frozenset({"consents"})  # records a consent, changes no patient field

    def get_queryset(self) -> QuerySet[Patient]:
        return visible_patients(api_user(self.request)).order_by("last_name", "first_name", "pk")

    @extend_schema(methods=["GET"], responses=ConsentSerializer(many=True))
    @extend_schema(methods=["POST"], request=ConsentSerializer, responses={201: ConsentSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=ConsentSerializer,
        pagination_class=None,
        access_what="consents",
    )
    def consents(self, request: Request, pk: str | None = None) -> Response:
        patient = self.get_object()
        context = {**self.get_serializer_context(), "patient": patient}
        if request.method == "POST":
            serializer = ConsentSerializer(data=request.data, context=context)
            serializer.is_valid(raise_exception=True)
            consent = consent_record(
                patient=patient, recorded_by=api_user(request), **serializer.validated_data
            )
            return Response(
                ConsentSerializer(consent, context=context).data, status=status.HTTP_201_CREATED
            )
        consents = patient.consents.select_related("recorded_by")
        return Response(ConsentSerializer(consents, many=True, context=context).data)

    @extend_schema(responses=AccessLogEntrySerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="access-log",
        serializer_class=AccessLogEntrySerializer,
        access_what="access log",
        cursor_ordering="-at",
    )
    def access_log(self, request: Request, pk: str | None = None) -> Response:
        patient = self.get_object()
        require(can_read_access_log(api_user(request), patient))
        entries = AccessLogEntry.objects.filter(patient=patient).select_related(
            "user__professional"
        )
        page = self.paginate_queryset(entries)
        serializer = (
            AdminAccessLogEntrySerializer
            if can_audit_access_log(api_user(request))
            else AccessLogEntrySerializer
        )
        return self.get_paginated_response(serializer(page, many=True).data)

    @extend_schema(request=None, responses=PatientSerializer)
    @action(detail=True, methods=["post"])
    def include(self, request: Request, pk: str | None = None) -> Response:
        """candidate → included; 409 with the missing consents or criteria otherwise."""
        patient = self.get_object()
        patient_include(patient=patient)
        return Response(PatientSerializer(patient, context=self.get_serializer_context()).data)
