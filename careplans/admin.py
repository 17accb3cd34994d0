"""Care plans in the back office: every read logged, the patient shown by initials.

A plan moves through its states in the application only (proposed, validated, superseded: the
patient's word and its record); here those fields are read-only, and a plan no longer in the
making (proposed, validated, superseded) cannot be changed or deleted at all, nor its goals and
actions: what the patient agreed to stays as it was agreed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from careplans.models import Action, CarePlan, Goal
from labparcours.admin import PatientDataAdmin

STATE_FIELDS = (
    "status",
    "created_by",
    "created_at",
    "proposed_at",
    "changes_comment",
    "changes_requested_at",
    "validated_at",
    "validated_by",
    "validation_method",
    "validation_scan",
    "superseded_at",
)


def _frozen(plan: CarePlan | None) -> bool:
    return plan is not None and not plan.is_editable


class _PlanPartInline(admin.TabularInline):
    """Goals and actions follow their plan: editable while it is in the making only."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)


class GoalInline(_PlanPartInline):
    model = Goal


class ActionInline(_PlanPartInline):
    model = Action
    fields = (
        "what",
        "owner",
        "membership",
        "care_provider",
        "provider",
        "when",
        "due_date",
        "repeat_every",
        "repeat_unit",
        "status",
        "position",
    )
    raw_id_fields = ("membership", "care_provider")


@admin.register(CarePlan)
class CarePlanAdmin(PatientDataAdmin):
    list_display = ("pk", "patient_initials", "version", "status", "proposed_at", "validated_at")
    list_filter = ("status", "validation_method")
    list_select_related = ("patient",)
    raw_id_fields = ("patient", "sic")
    readonly_fields = STATE_FIELDS
    inlines = (GoalInline, ActionInline)
    # No bulk actions: their checkbox is labelled with the plan's name (the patient's), and a
    # bulk delete would not ask whether each plan is still in the making.
    actions = None

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: CarePlan) -> str:
        return obj.patient.initials

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _frozen(obj):
            return (*STATE_FIELDS, "patient", "version", "sic")
        return STATE_FIELDS

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)
