"""The pathway in the API: events (list, record, read, the discharge of a stay) and follow-up
contacts. Every read starts from the access scope (404 outside it); the professionals read,
the team and the coordinator record (403 otherwise); each write is the pages' workflow."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from labparcours.api_base import AccessLoggedMixin, ConditionalWrites, ModelSerializer
from labparcours.http import api_user
from labparcours.permissions import require
from patients.models import (
    FollowUpContact,
    FollowUpKind,
    FollowUpWindow,
    PathwayEvent,
    Patient,
)
from patients.pathway import followup_contact_record
from patients.rules import can_read_pathway, can_record_pathway
from programme.workflows import pathway_event_correct_record, pathway_event_record


class FollowUpWindowSerializer(ModelSerializer):
    """A follow-up window a discharge opened: a contact of its kind due until `closes_on`
    (included); `state` is met, late (a contact after it), open or broken."""

    state = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpWindow
        fields = ("id", "kind", "opens_on", "closes_on", "state", "contact")
        read_only_fields = fields

    def get_state(self, window: FollowUpWindow) -> str:
        return window.state()


class PathwayEventSerializer(ModelSerializer):
    windows = FollowUpWindowSerializer(many=True, read_only=True)

    class Meta:
        model = PathwayEvent
        fields = (
            "id",
            "patient",
            "kind",
            "occurred_on",
            "discharged_on",
            "cause",
            "establishment",
            "source",
            "source_detail",
            "recorded_by",
            "recorded_at",
            "windows",
        )
        read_only_fields = fields


class PathwayEventCreateSerializer(ModelSerializer):
    """An event to record; a death or a move makes the patient leave the programme."""

    patient = serializers.UUIDField()

    class Meta:
        model = PathwayEvent
        fields = (
            "patient",
            "kind",
            "occurred_on",
            "discharged_on",
            "cause",
            "establishment",
            "source",
            "source_detail",
        )


class DischargeSerializer(serializers.Serializer):
    discharged_on = serializers.DateField()


class FollowUpContactSerializer(ModelSerializer):
    class Meta:
        model = FollowUpContact
        fields = ("id", "patient", "kind", "contacted_on", "by", "note", "recorded_at")
        read_only_fields = fields


class FollowUpContactCreateSerializer(serializers.Serializer):
    """A contact made (today, unless `contacted_on` says another day): it meets the patient's
    unmet windows of its kind open by then."""

    patient = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=FollowUpKind.choices)
    contacted_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


def _patient_to_record(request: Request, patient_id: Any) -> Patient:
    """The patient in the caller's scope (404), whom their role may record for (403)."""
    user = api_user(request)
    patient = get_object_or_404(Patient.objects.visible_to(user), pk=patient_id)
    require(can_record_pathway(user))
    return patient


class PathwayEventFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="patient_id")

    class Meta:
        model = PathwayEvent
        fields = ("patient", "kind")


class ReadersOnly(AccessLoggedMixin):
    """The professionals read the pathway; the patient's side is refused (403), once the scope
    answered (404 outside it)."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(can_read_pathway(api_user(request)))
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Any:
        obj = super().get_object()
        require(can_read_pathway(api_user(self.request)))  # type: ignore[attr-defined]
        return obj


@extend_schema_view(
    list=extend_schema(responses=PathwayEventSerializer(many=True)),
    retrieve=extend_schema(responses=PathwayEventSerializer),
)
class PathwayEventViewSet(
    ConditionalWrites,
    ReadersOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Pathway events (hospitalisation, emergency visit, death, move out of the territory) of
    the patients in the caller's scope, with the follow-up windows a discharge opened."""

    serializer_class = PathwayEventSerializer
    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = PathwayEventFilter
    access_what = "pathway events"
    patient_of = staticmethod(lambda event: event.patient)
    queryset = PathwayEvent.objects.none()

    def get_queryset(self) -> QuerySet[PathwayEvent]:
        events = PathwayEvent.objects.select_related("patient").prefetch_related(
            Prefetch("windows", queryset=FollowUpWindow.objects.order_by("kind"))
        )
        return Patient.objects.rows_of_visible(events, api_user(self.request))

    def _answer(self, event: PathwayEvent, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=event.pk)
        self.mark_read([fresh])
        return Response(PathwayEventSerializer(fresh).data, status=code)

    @extend_schema(
        request=PathwayEventCreateSerializer,
        responses={201: PathwayEventSerializer},
    )
    def create(self, request: Request) -> Response:
        """Record an event (a team member or the coordinator); a discharge opens the windows
        and tells the team; a death or a move makes the patient leave the programme."""
        payload = PathwayEventCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        patient = _patient_to_record(request, data.pop("patient"))
        event = pathway_event_record(patient=patient, by=api_user(request), **data)
        return self._answer(event, status.HTTP_201_CREATED)

    @extend_schema(
        request=DischargeSerializer,
        responses=PathwayEventSerializer,
    )
    @action(detail=True, methods=["post"], access_what="pathway events")
    def discharge(self, request: Request, pk: str | None = None) -> Response:
        """Record (or correct) the discharge date of a stay: the windows open, or move."""
        event = self.get_object()
        require(can_record_pathway(api_user(request)))
        payload = DischargeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        corrected = pathway_event_correct_record(
            event=event, by=api_user(request), discharged_on=payload.validated_data["discharged_on"]
        )
        return self._answer(corrected)


class FollowUpContactFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="patient_id")

    class Meta:
        model = FollowUpContact
        fields = ("patient", "kind")


@extend_schema_view(
    list=extend_schema(responses=FollowUpContactSerializer(many=True)),
    retrieve=extend_schema(responses=FollowUpContactSerializer),
)
class FollowUpContactViewSet(
    ReadersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Follow-up contacts after a discharge, of the patients in the caller's scope."""

    serializer_class = FollowUpContactSerializer
    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = FollowUpContactFilter
    access_what = "follow-up contacts"
    patient_of = staticmethod(lambda contact: contact.patient)
    queryset = FollowUpContact.objects.none()

    def get_queryset(self) -> QuerySet[FollowUpContact]:
        contacts = FollowUpContact.objects.select_related("patient")
        return Patient.objects.rows_of_visible(contacts, api_user(self.request))

    @extend_schema(
        request=FollowUpContactCreateSerializer,
        responses={201: FollowUpContactSerializer},
    )
    def create(self, request: Request) -> Response:
        """Record a contact (a team member or the coordinator): it meets the windows."""
        payload = FollowUpContactCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        patient = _patient_to_record(request, data["patient"])
        contact = followup_contact_record(
            patient=patient,
            kind=data["kind"],
            by=api_user(request),
            on=data.get("contacted_on"),
            note=data.get("note", ""),
        )
        self.mark_read([contact])
        return Response(FollowUpContactSerializer(contact).data, status=status.HTTP_201_CREATED)
