"""The Django admin: programme management's back office.

Reads of a patient's data through it are written to the access log like any other read;
lists show initials, not names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from labparcours.access import log_access
from labparcours.models import AccessLogEntry, ApiToken, Invitation, User


class PatientDataAdmin(SimpleHistoryAdmin):
    """Base of the admins of patient data: opening an object is logged as a read."""

    patient_path: str = "patient"

    def patient_of(self, obj: Any) -> Any:
        for attr in self.patient_path.split("__"):
            obj = getattr(obj, attr)
        return obj

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is not None:
            log_access(request, self.patient_of(obj), f"admin: {self.model._meta.model_name}")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_patient_partner")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name")}),
        (_("Role"), {"fields": ("role", "is_patient_partner")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "prefix", "created_at", "last_used_at")
    list_select_related = ("user",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("kind", "email", "invited_by", "created_at", "expires_at", "accepted_at")
    list_filter = ("kind",)
    readonly_fields = ("token_hash",)
    list_select_related = ("invited_by",)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """The access log can be read and filtered, never changed."""

    list_display = ("at", "user", "patient_initials", "what", "ip_address")
    list_filter = ("at",)
    search_fields = ("user__email",)
    list_select_related = ("user", "patient")

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: AccessLogEntry) -> str:
        return obj.patient.initials

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
