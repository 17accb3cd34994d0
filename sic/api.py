from __future__ import annotations

from typing import Any, cast

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from labparcours.api_base import (
    AccessLoggedMixin,
    ConditionalWrites,
    ModelSerializer,
    PdfRenderer,
    attach_rows,
    drf_errors,
)
from labparcours.api_errors import ErrorSerializer
from labparcours.http import api_user
from labparcours.permissions import is_patient_side, require
from sic.forms import content_as_form_data, content_errors, contribution_form
from sic.models import Contribution, Decision, Sic
from sic.pdf import sic_report_pdf
from sic.rules import can_read_sic_report
from sic.selectors import contribution_for, visible_sics, with_contribution_counts
from sic.services import contribution_save, sic_cancel, sic_hold, sic_schedule
from teams.rules import can_lead_team


class SicListSerializer(serializers.ListSerializer):
    """A page of SICs: the decisions of all of them read in one query, as plain rows."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        sics = list(data)
        with_decision_rows(sics)
        return super().to_representation(sics)


def with_decision_rows(sics: list[Sic]) -> None:
    """Give each SIC `decision_rows`: the texts of its decisions, in their order."""
    attach_rows(sics, Decision.objects.values("sic_id", "text"), by="sic_id", to="decision_rows")


class SicSerializer(ModelSerializer):
    decisions = serializers.SerializerMethodField()
    contributions_submitted = serializers.IntegerField(source="n_submitted", read_only=True)

    class Meta:
        model = Sic
        fields = (
            "id",
            "patient",
            "status",
            "due_date",
            "scheduled_at",
            "duration_minutes",
            "video_url",
            "held_at",
            "patient_present",
            "caregiver_present",
            "minutes",
            "cancel_reason",
            "decisions",
            "contributions_submitted",
        )
        read_only_fields = fields
        list_serializer_class = SicListSerializer

    def to_representation(self, instance: Sic) -> dict[str, Any]:
        if not hasattr(instance, "decision_rows"):  # one SIC, not a page's
            with_decision_rows([instance])
        return super().to_representation(instance)

    def get_decisions(self, sic: Sic) -> list[str]:
        return [row["text"] for row in sic.decision_rows]  # type: ignore[attr-defined]


class PatientSideSicSerializer(ModelSerializer):
    """What the patient and their caregiver see of a SIC: when, and the link."""

    class Meta:
        model = Sic
        fields = (
            "id",
            "patient",
            "status",
            "due_date",
            "scheduled_at",
            "duration_minutes",
            "video_url",
        )
        read_only_fields = fields


class ScheduleSerializer(serializers.Serializer):
    """Reads the date, duration and link; `sic_schedule` applies the same rules as the page
    (`sic.validators`) and its refusal answers 400, field by field."""

    # Bounded by the SIC's own rules (not in the past, two years ahead at most), whose
    # messages say more than the API's general date range would.
    at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(default=20)
    video_url = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class HoldSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When it took place (by default its scheduled time): from its scheduled "
        "start to now.",
    )
    minutes = serializers.CharField()
    patient_present = serializers.BooleanField()
    caregiver_present = serializers.BooleanField(default=False)
    present = serializers.ListField(
        child=serializers.IntegerField(),
        default=list,
        help_text="Ids of the team memberships invited to the SIC that attended it.",
    )
    decisions = serializers.ListField(child=serializers.CharField(), default=list)


class ContributionSerializer(ModelSerializer):
    author: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    submit = serializers.BooleanField(write_only=True, default=False)

    class Meta:
        model = Contribution
        fields = ("id", "sic", "kind", "author", "status", "content", "submitted_at", "submit")
        read_only_fields = ("id", "sic", "author", "status", "submitted_at")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A new contribution names its kind (its SIC is the route's); an update keeps both,
        # and its content is checked by its own kind's form: naming another kind is refused.
        instance = cast(Contribution | None, self.instance)
        if instance is not None and attrs.pop("kind", instance.kind) != instance.kind:
            raise serializers.ValidationError(
                {"kind": [_("A contribution keeps the kind it was created with.")]}
            )
        kind: str = instance.kind if instance is not None else attrs["kind"]
        sic: Sic = self.context.get("sic") or cast(Contribution, instance).sic
        try:
            data = content_as_form_data(kind, attrs.get("content", {}))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"content": drf_errors(exc)}) from exc
        # The form of the page, so that a measure out of its range (or a malformed row) is
        # refused by the same rule on both doors.
        form = contribution_form(
            kind, data=data, draft=not attrs.get("submit"), pathway=sic.patient.pathway
        )
        if not form.is_valid():
            raise serializers.ValidationError({"content": content_errors(form)})
        attrs["content"] = form.content()
        return attrs


class SicFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="patient_id")  # a value, never looked up
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Sic
        fields = ("patient", "status", "due_before", "due_after")


class SicViewSet(
    ConditionalWrites,
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """SICs of the patients in the caller's scope."""

    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = SicFilter
    access_what = "SIC"
    if_match_exempt = frozenset({"contributions"})  # writes a contribution, not the SIC
    patient_of = staticmethod(lambda sic: sic.patient_id)
    queryset = Sic.objects.none()

    def get_queryset(self) -> QuerySet[Sic]:
        sics = with_contribution_counts(visible_sics(api_user(self.request))).order_by(
            "due_date", "pk"
        )
        if getattr(self, "detail", False):  # its actions read the patient (the team's lead…)
            sics = sics.select_related("patient")
        return sics

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if is_patient_side(api_user(self.request)):
            return PatientSideSicSerializer
        return SicSerializer

    def _run(self, request: Request) -> Sic:
        sic = self.get_object()
        require(can_lead_team(api_user(request), sic.patient))
        return sic

    def _answer(self, sic: Sic) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=sic.pk)).data)

    @extend_schema(request=ScheduleSerializer, responses=SicSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        """Schedule (or reschedule) the SIC; the team receives the calendar invitation."""
        sic = self._run(request)
        payload = ScheduleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._answer(sic_schedule(sic=sic, **payload.validated_data))

    @extend_schema(request=CancelSerializer, responses=SicSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        sic = self._run(request)
        payload = CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._answer(sic_cancel(sic=sic, reason=payload.validated_data["reason"]))

    @extend_schema(request=HoldSerializer, responses=SicSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request: Request, pk: str | None = None) -> Response:
        sic = self._run(request)
        payload = HoldSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        held = sic_hold(
            sic=sic,
            by=api_user(request),
            held_at=data["held_at"],
            minutes=data["minutes"],
            patient_present=data["patient_present"],
            caregiver_present=data["caregiver_present"],
            present_memberships=data["present"],
            decisions=data["decisions"],
        )
        return self._answer(held)

    @extend_schema(methods=["GET"], responses=ContributionSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ContributionSerializer, responses={201: ContributionSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=ContributionSerializer,
        pagination_class=None,
        access_what="SIC contributions",
    )
    def contributions(self, request: Request, pk: str | None = None) -> Response:
        sic = self.get_object()
        if request.method == "POST":
            payload = ContributionSerializer(data=request.data, context={"sic": sic})
            payload.is_valid(raise_exception=True)
            contribution = contribution_save(
                contribution=contribution_for(
                    sic=sic, kind=payload.validated_data["kind"], user=api_user(request)
                ),
                by=api_user(request),
                content=payload.validated_data["content"],
                submit=payload.validated_data["submit"],
            )
            return Response(
                ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED
            )
        rows = (
            Contribution.objects.visible_to(api_user(request))
            .filter(sic=sic)
            .select_related("author")
        )
        return Response(ContributionSerializer(rows, many=True).data)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (409, "application/json"): OpenApiResponse(
                ErrorSerializer, description="The SIC is not held yet (`not_held`)."
            ),
        }
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[PdfRenderer],
        access_what="SIC report (PDF)",
    )
    def report(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        """The SIC report in PDF, at `report.pdf`."""
        sic = self.get_object()
        require(can_read_sic_report(api_user(request)))
        return Response(
            sic_report_pdf(sic),
            headers={"Content-Disposition": f'inline; filename="sic-{sic.pk}.pdf"'},
        )


class ContributionViewSet(
    ConditionalWrites,
    AccessLoggedMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """One contribution: readable by the team once submitted; written by its author only."""

    serializer_class = ContributionSerializer
    permission_classes = (permissions.IsAuthenticated,)
    access_what = "SIC contribution"
    patient_of = staticmethod(lambda c: c.sic.patient)
    http_method_names = ("get", "patch", "head", "options")
    queryset = Contribution.objects.none()

    def get_queryset(self) -> QuerySet[Contribution]:
        return Contribution.objects.visible_to(api_user(self.request)).select_related(
            "sic__patient", "author"
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Contribution]) -> None:
        contribution = cast(Contribution, serializer.instance)  # an update has its row
        contribution_save(
            contribution=contribution,
            by=api_user(self.request),
            content=serializer.validated_data.get("content", contribution.content),
            submit=serializer.validated_data.get("submit", False),
        )
