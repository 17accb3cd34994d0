"""The budget in the back office.

The admin sets the rates and the categories, and keeps the providers. Envelopes, requests and
expenses are read here (every read logged, patients by initials): they move through the
services only, which write the ledger with them; the ledger itself is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from budget.models import (
    BudgetCategory,
    BudgetEnvelope,
    BudgetMovement,
    BudgetRate,
    CareProvider,
    Expense,
    SupplementaryCare,
)
from labparcours.admin import LedgerAdmin, PatientDataAdmin


@admin.register(BudgetRate)
class BudgetRateAdmin(admin.ModelAdmin):
    list_display = ("pathway", "amount", "valid_from", "valid_to")
    list_filter = ("pathway",)


@admin.register(BudgetCategory)
class BudgetCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "yearly_ceiling", "position", "is_active")
    list_editable = ("yearly_ceiling", "position", "is_active")


@admin.register(CareProvider)
class CareProviderAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "siret", "city", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("professional",)
    search_fields = ("name", "siret", "professional__last_name")
    raw_id_fields = ("professional",)


class _ReadOnlyPatientData(PatientDataAdmin):
    """Written by the services only (the ledger moves with them): read, never edited here."""

    actions = None

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: Any) -> str:
        return self.patient_of(obj).initials

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BudgetEnvelope)
class BudgetEnvelopeAdmin(_ReadOnlyPatientData):
    list_display = ("pk", "patient_initials", "year", "starts_on", "ends_on", "amount")
    list_filter = ("year",)
    list_select_related = ("patient",)
    date_hierarchy = "starts_on"


@admin.register(SupplementaryCare)
class SupplementaryCareAdmin(_ReadOnlyPatientData):
    patient_path = "envelope__patient"
    list_display = (
        "pk",
        "patient_initials",
        "category",
        "sessions",
        "unit_price",
        "status",
        "requested_at",
    )
    list_filter = ("status", "category")
    list_select_related = ("envelope__patient", "category")


@admin.register(Expense)
class ExpenseAdmin(_ReadOnlyPatientData):
    patient_path = "request__envelope__patient"
    list_display = ("pk", "patient_initials", "date", "sessions", "amount", "status", "paid_on")
    list_filter = ("status",)
    list_select_related = ("request__envelope__patient",)
    exclude = ("invoice",)  # a private file has no URL: it is read through its page


@admin.register(BudgetMovement)
class BudgetMovementAdmin(LedgerAdmin):
    """The ledger: read and filtered; a mistake is corrected by a new row, in the app."""

    list_display = ("at", "patient_initials", "kind", "category", "amount", "by", "why")
    list_filter = ("kind", "category", "at")
    list_select_related = ("envelope__patient", "category", "by")

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: BudgetMovement) -> str:
        return obj.envelope.patient.initials
