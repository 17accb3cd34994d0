"""The indemnities in the API: the ledger's lines (the admin's, or a professional's own), the
rates, and the payment batches with their files.

A line names its patient by initials only; reading lines is still a read of those patients'
data, logged like every other (`AccessLoggedMixin`).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from indemnities import downloads, rules, services
from indemnities.models import (
    IndemnityLine,
    IndemnityRate,
    LineState,
    PaymentBatch,
)
from indemnities.selectors import visible_batches, visible_lines
from labparcours.api_base import (
    AccessLoggedMixin,
    ConditionalWrites,
    ModelSerializer,
    PdfRenderer,
    candidate,
    model_clean,
)
from labparcours.http import api_user
from labparcours.permissions import require
from labparcours.tabular import XLSX_TYPE
from teams.models import Professional

# --- Lines ----------------------------------------------------------------------------------------


class IndemnityLineSerializer(ModelSerializer):
    kind: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    state = serializers.ChoiceField(choices=LineState.choices, read_only=True)
    patient_initials = serializers.SerializerMethodField()

    class Meta:
        model = IndemnityLine
        fields = (
            "id",
            "professional",
            "kind",
            "entry",
            "amount",
            "worked_on",
            "patient_initials",
            "sic",
            "reverses",
            "why",
            "state",
            "created_at",
        )
        read_only_fields = fields

    def get_patient_initials(self, line: IndemnityLine) -> str | None:
        return line.patient.initials if line.patient else None


class IndemnityLineFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=LineState.choices)
    kind = django_filters.CharFilter(field_name="kind__code")
    worked_after = django_filters.DateFilter(field_name="worked_on", lookup_expr="gte")
    worked_before = django_filters.DateFilter(field_name="worked_on", lookup_expr="lte")

    class Meta:
        model = IndemnityLine
        fields = ("professional", "entry")


class ApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)


class ApprovedSerializer(serializers.Serializer):
    approved = serializers.IntegerField()


class IndemnityLineViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    """The ledger's lines: every line for the admin, a professional's own lines for them,
    none for anyone else. Each line has its `state` (to approve, approved, in a batch, paid,
    cancelled)."""

    serializer_class = IndemnityLineSerializer
    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = IndemnityLineFilter
    access_what = "indemnity lines"
    patient_of = staticmethod(lambda line: line.patient)
    queryset = IndemnityLine.objects.none()

    def get_queryset(self) -> QuerySet[IndemnityLine]:
        return visible_lines(api_user(self.request)).order_by("-worked_on", "-pk")

    @extend_schema(request=ApproveSerializer, responses={200: ApprovedSerializer})
    @action(detail=False, methods=["post"])
    def approve(self, request: Request) -> Response:
        """Approve lines in bulk (the admin); those already approved, batched or cancelled are
        left as they are. Answers how many were approved."""
        user = api_user(request)
        require(rules.can_manage(user))
        payload = ApproveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lines = IndemnityLine.objects.filter(pk__in=payload.validated_data["ids"])
        return Response({"approved": services.lines_approve(lines=lines, by=user)})


# --- Rates ----------------------------------------------------------------------------------------


class IndemnityRateSerializer(ModelSerializer):
    class Meta:
        model = IndemnityRate
        fields = ("id", "kind", "profession", "amount", "valid_from", "valid_until")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        model_clean(candidate(self, attrs))
        return attrs


class AdminWrites(permissions.IsAuthenticated):
    """Professionals and staff read; the admin writes."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        user = api_user(request)
        if request.method in permissions.SAFE_METHODS:
            return rules.can_read_rates(user)
        return rules.can_manage(user)


class IndemnityRateViewSet(ConditionalWrites, viewsets.ModelViewSet):
    """What each kind of work pays, per profession, between two dates. A change never alters
    the lines already accrued."""

    serializer_class = IndemnityRateSerializer
    permission_classes = (AdminWrites,)
    filterset_fields = ("kind", "profession")
    queryset = IndemnityRate.objects.select_related("kind").order_by(
        "kind", "profession", "-valid_from"
    )


# --- Payment batches ------------------------------------------------------------------------------


class PaymentBatchSerializer(ModelSerializer):
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    line_count = serializers.IntegerField(read_only=True)
    professional_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PaymentBatch
        fields = (
            "id",
            "reference",
            "period_start",
            "period_end",
            "execution_date",
            "created_at",
            "total",
            "line_count",
            "professional_count",
            "sepa_sha256",
            "paid_on",
            "bank_reference",
        )
        read_only_fields = (
            "reference",
            "created_at",
            "sepa_sha256",
            "paid_on",
            "bank_reference",
        )


class BatchPaidSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    bank_reference = serializers.CharField(max_length=100)


class XmlFileRenderer(PdfRenderer):
    media_type = "application/xml"
    format = "xml"


class CsvRenderer(PdfRenderer):
    media_type = "text/csv"
    format = "csv"


class XlsxRenderer(PdfRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


class PaymentBatchViewSet(
    ConditionalWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Payment batches: built, exported and marked paid by the admin. A professional sees the
    batches that pay them, and downloads their own statement."""

    serializer_class = PaymentBatchSerializer
    permission_classes = (permissions.IsAuthenticated,)
    queryset = PaymentBatch.objects.none()

    # Answers that are files read the batch's own fields and lines, never its totals: summing a
    # year of lines only to find the batch cost a few hundred milliseconds of the CSV's time.
    FILE_ACTIONS = frozenset({"sepa", "export_csv", "export_xlsx", "statement"})

    def get_queryset(self) -> QuerySet[PaymentBatch]:
        batches = visible_batches(api_user(self.request))
        if self.action in self.FILE_ACTIONS:
            return batches
        return batches.with_totals().order_by("-created_at")

    @extend_schema(responses={201: PaymentBatchSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Build a batch of the approved lines of a period; its SEPA file is written at once."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = services.batch_build(**serializer.validated_data, by=api_user(request))
        answer = self.get_serializer(self.get_queryset().get(pk=batch.pk))
        return Response(answer.data, status=status.HTTP_201_CREATED)

    def _managed(self) -> PaymentBatch:
        """The batch, for the admin: outside the caller's batches 404, then 403."""
        batch = self.get_object()
        require(rules.can_manage(api_user(self.request)))
        return batch

    @extend_schema(
        request=BatchPaidSerializer,
        responses={200: PaymentBatchSerializer},
    )
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request: Request, pk: str | None = None) -> Response:
        batch = self._managed()
        payload = BatchPaidSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.batch_mark_paid(batch=batch, **payload.validated_data, by=api_user(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=batch.pk)).data)

    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="sepa.xml", renderer_classes=[XmlFileRenderer])
    def sepa(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The batch's SEPA credit-transfer file (pain.001.001.03), the same bytes every time."""
        return downloads.sepa_response(self._managed())

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="export.csv", renderer_classes=[CsvRenderer])
    def export_csv(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        """The batch's lines, a row each (CSV, streamed); patients by initials."""
        return downloads.listing_response(request, self._managed(), "csv")

    @extend_schema(responses={(200, XLSX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="export.xlsx", renderer_classes=[XlsxRenderer])
    def export_xlsx(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        """The batch's lines in a workbook; the same bytes at every export."""
        return downloads.listing_response(request, self._managed(), "xlsx")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"statements/(?P<professional_id>\d+)",
        renderer_classes=[PdfRenderer],
    )
    def statement(
        self, request: Request, pk: str | None = None, professional_id: str = ""
    ) -> HttpResponseBase:
        """A professional's statement of the batch (PDF): the admin's for anyone, a
        professional's for themselves."""
        batch = self.get_object()
        professional = Professional.objects.filter(pk=professional_id).first()
        if professional is None or not rules.can_see_lines_of(api_user(request), professional):
            raise Http404
        return downloads.statement_response(request, batch, professional)
