"""The Django admin: programme management's back office.

Reads of a patient's data through it are written to the access log like any other read;
lists show initials, not names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from labparcours.access import log_access
from labparcours.models import (
    AccessLogEntry,
    AccessLogPurge,
    ApiToken,
    Invitation,
    User,
)
from labparcours.paging import EstimatedCountPaginator


class _Numbered:
    """A row as the admin's action checkbox sees it: its primary key, named by it."""

    def __init__(self, pk: Any) -> None:
        self.pk = pk

    def __str__(self) -> str:
        return f"#{self.pk}"


class PatientReadsLogged:
    """Every admin page that shows a patient's data is logged as a read of that patient: the
    change form, the history, a historical version, the delete confirmation, the change list
    (each patient on the page, in one query). Logged once the page is answered: a refusal
    (403, 404) or a redirect after a write logs nothing.

    `patient_path` leads from a row to its patient ("" when the row is the patient).
    """

    patient_path: str = "patient"
    # Where each admin page puts what it shows.
    SHOWN_ONE = ("original", "object")
    SHOWN_MANY = "queryset"  # the confirmation of a bulk action

    def patient_of(self, obj: Any) -> Any:
        for attr in filter(None, self.patient_path.split("__")):
            obj = getattr(obj, attr)
        return obj

    def action_checkbox(self, obj: Any) -> SafeString:
        """The row's checkbox, labelled by the row's number, not by its name: a row's name
        holds the patient's, and lists show initials only."""
        return super().action_checkbox(_Numbered(obj.pk))  # type: ignore[misc]

    def get_list_select_related(self, request: HttpRequest) -> Any:
        related = super().get_list_select_related(request)  # type: ignore[misc]
        if self.patient_path and isinstance(related, list | tuple):
            return (*related, self.patient_path)
        return related

    def _log_shown(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        context = getattr(response, "context_data", None)
        if response.status_code != 200 or not context:
            return response
        listed = "cl" in context or self.SHOWN_MANY in context
        if "cl" in context:
            rows = list(context["cl"].result_list)
        elif self.SHOWN_MANY in context:
            rows = list(context[self.SHOWN_MANY])
        else:
            rows = [context[key] for key in self.SHOWN_ONE if context.get(key) is not None][:1]
        patients = {}
        for row in rows:
            try:
                patient = self.patient_of(row)
            except ObjectDoesNotExist:  # a historical version whose patient is gone
                continue
            patients[patient.pk] = patient
        what = f"admin: {self.model._meta.model_name}"  # type: ignore[attr-defined]
        log_access(request, patients.values(), what, listed=listed)
        return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return self._log_shown(request, super().changelist_view(request, extra_context))  # type: ignore[misc]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        return self._log_shown(request, response)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        return self._log_shown(request, super().delete_view(request, object_id, extra_context))  # type: ignore[misc]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        return self._log_shown(request, super().history_view(request, object_id, extra_context))  # type: ignore[misc]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        response = super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]
        return self._log_shown(request, response)


class PatientDataAdmin(PatientReadsLogged, SimpleHistoryAdmin):
    """Base of the admins of patient data, with their history; every read is logged."""

    def render_history_view(
        self, request: HttpRequest, template: str, context: dict, **kwargs: Any
    ) -> HttpResponse:
        # A lazy response keeps its context, so that `_log_shown` sees what is shown.
        return TemplateResponse(request, template, context, **kwargs)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_patient_partner")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "phone")}),
        (_("Role"), {"fields": ("role", "is_patient_partner")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("user", "prefix", "created_at", "last_used_at")
    list_select_related = ("user",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("kind", "email", "invited_by", "created_at", "expires_at", "accepted_at")
    list_filter = ("kind",)
    readonly_fields = ("token_hash",)
    list_select_related = ("invited_by",)


class LedgerAdmin(admin.ModelAdmin):
    """A ledger in the admin (the access log, the reminders): read and filtered, never added
    to, changed or deleted by hand; the patient shown by initials."""

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: Any) -> str:
        return obj.patient.initials

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(LedgerAdmin):
    """The access log can be read and filtered, never changed."""

    list_display = ("at", "user", "patient_initials", "what", "listed", "ip_address")
    list_filter = ("at", "listed")
    search_fields = ("user__email",)
    list_select_related = ("user", "patient")
    # One count per page (the filtered rows), not a second one of the whole log; unfiltered,
    # the table's estimated size (it grows by hundreds of thousands of rows a day).
    show_full_result_count = False
    paginator = EstimatedCountPaginator


@admin.register(AccessLogPurge)
class AccessLogPurgeAdmin(LedgerAdmin):
    """When the retention purge ran and what it deleted: the explanation of a gap in the log."""

    list_display = ("at", "cutoff", "deleted")
