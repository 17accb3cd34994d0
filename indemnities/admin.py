"""Indemnities in the back office.

The admin sets the kinds and the rates here. The ledger and the batches are read here only:
lines move through the services (accrual, approval, batches), which never change a line.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indemnities.models import (
    BankAccount,
    IndemnityKind,
    IndemnityLine,
    IndemnityRate,
    PaymentBatch,
)
from labparcours.admin import LedgerAdmin


@admin.register(IndemnityKind)
class IndemnityKindAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "source", "contribution_kind", "position")
    list_editable = ("position",)


@admin.register(IndemnityRate)
class IndemnityRateAdmin(admin.ModelAdmin):
    list_display = ("kind", "profession", "amount", "valid_from", "valid_until")
    list_filter = ("kind", "profession")
    list_select_related = ("kind",)


@admin.register(BankAccount)
class BankAccountAdmin(SimpleHistoryAdmin):
    """Bank details, in full for the admin; each change kept in the history."""

    list_display = ("professional", "holder", "masked_iban", "bic", "updated_at")
    list_select_related = ("professional",)
    search_fields = ("professional__last_name", "holder")
    raw_id_fields = ("professional",)
    readonly_fields = ("updated_by",)

    def save_model(self, request: HttpRequest, obj: BankAccount, form: Any, change: bool) -> None:
        obj.updated_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(IndemnityLine)
class IndemnityLineAdmin(LedgerAdmin):
    """The ledger: read and filtered; a mistake is reversed by a new line, in the app."""

    list_display = (
        "worked_on",
        "professional",
        "kind",
        "entry",
        "amount",
        "patient_initials",
        "why",
    )
    list_filter = ("kind", "entry", "worked_on")
    list_select_related = ("professional", "kind", "patient")
    search_fields = ("professional__last_name",)

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: IndemnityLine) -> str:
        return obj.patient.initials if obj.patient else "—"


@admin.register(PaymentBatch)
class PaymentBatchAdmin(SimpleHistoryAdmin):
    """Batches are built, exported and marked paid in the app; read here."""

    list_display = ("reference", "period_start", "period_end", "execution_date", "paid_on")
    exclude = ("sepa_file",)
    readonly_fields = ("sepa_sha256",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
