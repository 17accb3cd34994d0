"""What the API says of envelopes, requests, expenses and the ledger, and what it reads.

Money is a string of a Decimal with two places ("123.45"), never a float. Serializers read and
check a payload; the writes are the commands of `budget.services`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from budget.models import (
    BudgetCategory,
    BudgetEnvelope,
    BudgetMovement,
    CareProvider,
    Expense,
    SupplementaryCare,
)
from labparcours.api_base import ModelSerializer
from labparcours.api_errors import ErrorSerializer
from labparcours.uploads import UploadSerializerField


def money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


# --- Envelopes ----------------------------------------------------------------------------------


class EnvelopeSerializer(ModelSerializer):
    """An envelope and its balances, summed by the database from the ledger."""

    patient = serializers.UUIDField(source="patient_id", read_only=True)
    allotted = money(read_only=True)
    committed = money(read_only=True, help_text="Approved, not yet spent.")
    spent = money(read_only=True)
    paid = money(read_only=True)
    remaining = money(read_only=True, help_text="Allotted − committed − spent.")

    class Meta:
        model = BudgetEnvelope
        fields = (
            "id",
            "patient",
            "year",
            "starts_on",
            "ends_on",
            "allotted",
            "committed",
            "spent",
            "paid",
            "remaining",
        )
        read_only_fields = fields


# --- Requests -----------------------------------------------------------------------------------


class CareRequestSerializer(ModelSerializer):
    """A request as the team and the programme see it, prices included."""

    patient = serializers.UUIDField(source="envelope.patient_id", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    provider_name = serializers.CharField(source="provider.__str__", read_only=True)
    amount = money(read_only=True)
    sessions_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = SupplementaryCare
        fields = (
            "id",
            "patient",
            "envelope",
            "category",
            "category_name",
            "provider",
            "provider_name",
            "sessions",
            "unit_price",
            "amount",
            "sessions_done",
            "action",
            "prescriber",
            "requested_at",
            "status",
            "decided_by",
            "decided_at",
            "refusal_reason",
        )
        read_only_fields = fields


class PatientSideCareSerializer(ModelSerializer):
    """What the patient and their caregiver see of a request: what was asked, with whom, how
    many sessions are done; no price."""

    patient = serializers.UUIDField(source="envelope.patient_id", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    provider_name = serializers.CharField(source="provider.__str__", read_only=True)
    sessions_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = SupplementaryCare
        fields = (
            "id",
            "patient",
            "category_name",
            "provider_name",
            "sessions",
            "sessions_done",
            "requested_at",
            "status",
        )
        read_only_fields = fields


class CareRequestCreateSerializer(serializers.Serializer):
    """A prescription: N sessions of a category with a provider at a unit price, on the
    patient's envelope of the current year; `action` is the care-plan action it serves."""

    patient = serializers.UUIDField()
    category = serializers.PrimaryKeyRelatedField(
        queryset=BudgetCategory.objects.filter(is_active=True)
    )
    provider = serializers.PrimaryKeyRelatedField(
        queryset=CareProvider.objects.filter(is_active=True)
    )
    sessions = serializers.IntegerField(min_value=1, max_value=1000)
    unit_price = money(min_value=Decimal("0.01"))
    action = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Id of an action of the patient's plan in force or in the making (not of a "
        "superseded version).",
    )


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- Expenses -----------------------------------------------------------------------------------


class ExpenseSerializer(ModelSerializer):
    patient = serializers.UUIDField(source="request.envelope.patient_id", read_only=True)
    has_invoice = serializers.SerializerMethodField()

    class Meta:
        model = Expense
        fields = (
            "id",
            "patient",
            "request",
            "sessions",
            "date",
            "amount",
            "has_invoice",
            "recorded_by",
            "recorded_at",
            "status",
            "paid_on",
            "payment_reference",
            "paid_by",
        )
        read_only_fields = fields

    def get_has_invoice(self, expense: Expense) -> bool:
        return bool(expense.invoice)


class ExpenseCreateSerializer(serializers.Serializer):
    """Sessions done on an approved request, with the provider's invoice (multipart)."""

    request = serializers.IntegerField(help_text="Id of the approved request.")
    sessions = serializers.IntegerField(min_value=1, max_value=1000)
    date = serializers.DateField()
    amount = money(min_value=Decimal("0.01"))
    invoice = UploadSerializerField(required=False, help_text="PDF, JPEG or PNG.")


class MarkPaidSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=80)


# --- The ledger ---------------------------------------------------------------------------------


class MovementSerializer(ModelSerializer):
    patient = serializers.UUIDField(source="envelope.patient_id", read_only=True)

    class Meta:
        model = BudgetMovement
        fields = (
            "id",
            "patient",
            "envelope",
            "category",
            "kind",
            "amount",
            "at",
            "by",
            "why",
            "request",
            "expense",
            "corrects",
        )
        read_only_fields = fields


# --- The overdraft, a refusal that says what is left ----------------------------------------


class OverdraftSerializer(ErrorSerializer):
    """The approval or the expense would overdraw the envelope, a category's yearly ceiling or
    what the request holds (code `overdraft`): the French message, and what is left."""

    remaining = money(
        required=False,
        allow_null=True,
        help_text="What is left of the limit that refused it (an overdraft only).",
    )
