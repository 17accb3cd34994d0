"""The budget in the API: envelopes with their balances, requests (prescriptions) with the
coordinator's decisions, expenses with their invoice and payment, and the ledger.

Every read starts from the access scope (`budget.selectors`): outside it, 404. Inside it, what
a role may not do answers 403 (`budget.rules`), and the patient's side sees the requests made
for them, without any amount. Each write is one command of `budget.services`; its refusals
answer 409 (an overdraft says what is left), a payload that does not hold 400.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import IntegerField, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from budget import rules
from budget.models import (
    BudgetEnvelope,
    BudgetMovement,
    Expense,
    ExpenseStatus,
    MovementKind,
    Overdraft,
    SupplementaryCare,
)
from budget.selectors import (
    visible_envelopes,
    visible_expenses,
    visible_movements,
    visible_requests,
)
from budget.serializers import (
    CareRequestCreateSerializer,
    CareRequestSerializer,
    EnvelopeSerializer,
    ExpenseCreateSerializer,
    ExpenseSerializer,
    MarkPaidSerializer,
    MovementSerializer,
    OverdraftSerializer,
    PatientSideCareSerializer,
    RefuseSerializer,
    money,
)
from budget.services import (
    expense_mark_paid,
    expense_record,
    supplementary_care_approve,
    supplementary_care_cancel,
    supplementary_care_refuse,
    supplementary_care_request,
)
from careplans.models import Action
from labparcours.api_base import AccessLoggedMixin, ConditionalWrites, IdFilter
from labparcours.http import api_user
from labparcours.permissions import require
from labparcours.uploads import serve_upload
from patients.models import Patient

# --- The answers the schema lists ----------------------------------------------------------------

# Every operation lists its refusals in the one `Error` shape (labparcours.api_schema); the
# overdraft says more: what is left.
OVERDRAFT = OpenApiResponse(
    OverdraftSerializer,
    description="Overdraft (code `overdraft`, with what is left), or another rule of the "
    "programme (code `invalid_transition`…, no `remaining`).",
)


class OverdraftAnswered:
    """An overdraft answers 409 with the French message and what is left (as a string of a
    Decimal); the other refusals go through the project's handler."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Overdraft):
            return Response(
                {
                    "code": exc.code,
                    "detail": exc.message,
                    "remaining": (
                        None if exc.left is None else money().to_representation(exc.left)
                    ),
                },
                status=status.HTTP_409_CONFLICT,
            )
        return super().handle_exception(exc)  # type: ignore[misc]


class AmountsOnly(AccessLoggedMixin):
    """Endpoints made of money: the patient's side is refused (403), once the scope answered
    (404 outside it)."""

    def _require_amounts(self) -> None:
        require(rules.can_see_amounts(api_user(self.request)))  # type: ignore[attr-defined]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_amounts()
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Any:
        obj = super().get_object()
        self._require_amounts()
        return obj


# --- Envelopes -----------------------------------------------------------------------------------


class EnvelopeFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="patient_id")

    class Meta:
        model = BudgetEnvelope
        fields = ("patient", "year")


@extend_schema_view(
    list=extend_schema(responses=EnvelopeSerializer(many=True)),
    retrieve=extend_schema(responses=EnvelopeSerializer),
)
class EnvelopeViewSet(
    AmountsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The envelopes of the patients in the caller's scope, one per programme year, with their
    balances: allotted, committed (approved, not yet spent), spent, paid, remaining."""

    serializer_class = EnvelopeSerializer
    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = EnvelopeFilter
    access_what = "budget envelope"
    patient_of = staticmethod(lambda envelope: envelope.patient)
    queryset = BudgetEnvelope.objects.none()

    def get_queryset(self) -> QuerySet[BudgetEnvelope]:
        return visible_envelopes(api_user(self.request)).order_by("patient_id", "year")


# --- Requests ------------------------------------------------------------------------------------


# Rows named by id are filtered as numbers, never looked up in their table: an id outside the
# caller's scope gives an empty list, as an id that does not exist.


class CareRequestFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="envelope__patient_id")
    envelope = IdFilter(field_name="envelope_id")
    category = IdFilter(field_name="category_id")

    class Meta:
        model = SupplementaryCare
        fields = ("patient", "envelope", "status", "category")


@extend_schema_view(
    list=extend_schema(responses=CareRequestSerializer(many=True)),
    retrieve=extend_schema(responses=CareRequestSerializer),
)
class CareRequestViewSet(
    OverdraftAnswered,
    ConditionalWrites,
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Requests of supplementary care (prescriptions) of the patients in the caller's scope.
    A team member or the coordinator prescribes; the coordinator approves (the amount is
    committed) or refuses (with a reason); the prescriber or the coordinator cancels. The
    patient's side sees their requests in sessions, without prices."""

    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = CareRequestFilter
    access_what = "supplementary care"
    patient_of = staticmethod(lambda care: care.envelope.patient)
    queryset = SupplementaryCare.objects.none()

    def get_queryset(self) -> QuerySet[SupplementaryCare]:
        return (
            visible_requests(api_user(self.request))
            .annotate(
                sessions_done=Coalesce(Sum("expenses__sessions"), 0, output_field=IntegerField())
            )
            .order_by("requested_at", "pk")
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if rules.can_see_prices(api_user(self.request)):
            return CareRequestSerializer
        return PatientSideCareSerializer

    def _answer(self, care: SupplementaryCare, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=care.pk)
        self.mark_read([fresh])
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        request=CareRequestCreateSerializer,
        responses={201: CareRequestSerializer},
    )
    def create(self, request: Request) -> Response:
        """Prescribe: the patient's envelope of the current year, a category, a provider,
        the number of sessions and the price of one."""
        payload = CareRequestCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = api_user(request)
        patient = get_object_or_404(Patient.objects.visible_to(user), pk=data["patient"])
        plan_action = None
        if data.get("action") is not None:
            # Any version's action of the patient's plan: the service refuses one of a
            # replaced version, and says so (`actions_to_serve`).
            plan_action = Action.objects.filter(plan__patient=patient, pk=data["action"]).first()
            if plan_action is None:
                raise serializers.ValidationError(
                    {"action": [_("This action is not in the patient's care plan.")]}
                )
        care = supplementary_care_request(
            patient=patient,
            prescriber=user,
            category=data["category"],
            provider=data["provider"],
            sessions=data["sessions"],
            unit_price=data["unit_price"],
            action=plan_action,
        )
        return self._answer(care, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CareRequestSerializer, 409: OVERDRAFT})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """The coordinator approves: the amount is committed on the envelope. Refused (409,
        `overdraft`, with what is left) when the envelope or the category's yearly ceiling
        would go below zero."""
        care = self.get_object()
        require(rules.can_decide(api_user(request)))
        return self._answer(supplementary_care_approve(request=care, by=api_user(request)))

    @extend_schema(request=RefuseSerializer, responses=CareRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        """The coordinator refuses, saying why (required)."""
        care = self.get_object()
        require(rules.can_decide(api_user(request)))
        payload = RefuseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        refused = supplementary_care_refuse(
            request=care, by=api_user(request), reason=payload.validated_data["reason"]
        )
        return self._answer(refused)

    @extend_schema(request=None, responses=CareRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Its prescriber or the coordinator cancels; what it still held is released."""
        care = self.get_object()
        require(rules.can_cancel(api_user(request), care.prescriber_id))
        return self._answer(supplementary_care_cancel(request=care, by=api_user(request)))


# --- Expenses ------------------------------------------------------------------------------------


class ExpenseFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="request__envelope__patient_id")
    request = IdFilter(field_name="request_id")
    status = django_filters.ChoiceFilter(choices=ExpenseStatus.choices)

    class Meta:
        model = Expense
        fields = ("patient", "request", "status")


@extend_schema_view(
    list=extend_schema(responses=ExpenseSerializer(many=True)),
    retrieve=extend_schema(responses=ExpenseSerializer),
)
class ExpenseViewSet(
    OverdraftAnswered,
    ConditionalWrites,
    AmountsOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Expenses: sessions done on an approved request and the provider's invoice, recorded by
    the coordinator, then paid by the programme's admin."""

    serializer_class = ExpenseSerializer
    permission_classes = (permissions.IsAuthenticated,)
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    filterset_class = ExpenseFilter
    access_what = "supplementary care expense"
    patient_of = staticmethod(lambda expense: expense.request.envelope.patient)
    queryset = Expense.objects.none()

    def get_queryset(self) -> QuerySet[Expense]:
        return visible_expenses(api_user(self.request)).order_by("date", "pk")

    def _answer(self, expense: Expense, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=expense.pk)
        self.mark_read([fresh])
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        request={
            "multipart/form-data": ExpenseCreateSerializer,
            "application/json": ExpenseCreateSerializer,
        },
        responses={201: ExpenseSerializer, 409: OVERDRAFT},
    )
    def create(self, request: Request) -> Response:
        """Record sessions done on an approved request, with the provider's invoice (PDF,
        JPEG or PNG, checked from its bytes). Never more than what the request holds (409,
        `overdraft`, with what is left)."""
        payload = ExpenseCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = api_user(request)
        care = get_object_or_404(visible_requests(user), pk=data["request"])
        expense = expense_record(
            request=care,
            by=user,
            sessions=data["sessions"],
            date=data["date"],
            amount=data["amount"],
            invoice=data.get("invoice"),
        )
        return self._answer(expense, status.HTTP_201_CREATED)

    @extend_schema(request=MarkPaidSerializer, responses=ExpenseSerializer)
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request: Request, pk: str | None = None) -> Response:
        """The programme's admin records the payment: its date and reference."""
        expense = self.get_object()
        require(rules.can_mark_paid(api_user(request)))
        payload = MarkPaidSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        paid = expense_mark_paid(
            expense=expense,
            by=api_user(request),
            paid_on=payload.validated_data["paid_on"],
            reference=payload.validated_data["reference"],
        )
        return self._answer(paid)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        }
    )
    @action(detail=True, methods=["get"], access_what="supplementary care invoice")
    def invoice(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        """The provider's invoice, as a download (404 when there is none)."""
        expense = self.get_object()
        return serve_upload(expense.invoice, filename=expense.invoice_filename())


# --- The ledger ----------------------------------------------------------------------------------


class MovementFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="envelope__patient_id")
    envelope = IdFilter(field_name="envelope_id")
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)
    at_after = django_filters.DateFilter(field_name="at", lookup_expr="date__gte")
    at_before = django_filters.DateFilter(field_name="at", lookup_expr="date__lte")

    class Meta:
        model = BudgetMovement
        fields = ("envelope", "patient", "kind", "at_after", "at_before")


@extend_schema_view(
    list=extend_schema(responses=MovementSerializer(many=True)),
    retrieve=extend_schema(responses=MovementSerializer),
)
class MovementViewSet(
    AmountsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The ledger of the envelopes in the caller's scope: append-only rows (allotted,
    committed, released, spent, paid, corrections), read only."""

    serializer_class = MovementSerializer
    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = MovementFilter
    access_what = "budget ledger"
    patient_of = staticmethod(lambda movement: movement.envelope.patient)
    queryset = BudgetMovement.objects.none()

    def get_queryset(self) -> QuerySet[BudgetMovement]:
        return visible_movements(api_user(self.request)).order_by("at", "pk")
