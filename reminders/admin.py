"""The reminder ledger in the Django admin: read-only, and opening a row is logged as a
read of the patient's data (through the kernel's `PatientReadsLogged`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from labparcours.admin import LedgerAdmin, PatientReadsLogged
from reminders.models import Notification, NotificationPreference, Reminder


@admin.register(Reminder)
class ReminderAdmin(PatientReadsLogged, LedgerAdmin):
    """The reminder ledger, read-only: rows are written by the sweep and the sending tasks.
    Opening one is logged as a read of the patient's data."""

    list_display = (
        "created_at",
        "kind",
        "patient_initials",
        "recipient",
        "cycle",
        "channel",
        "sent_at",
        "attempts",
        "cancelled_at",
    )
    list_filter = ("kind", "channel", "created_at", "sent_at")
    search_fields = ("recipient__email", "target_key")
    list_select_related = ("recipient", "patient")
    exclude = ("patient",)
    readonly_fields = (
        "kind",
        "recipient",
        "patient_initials",
        "target_key",
        "cycle",
        "link",
        "context",
        "created_at",
        "created_by",
        "channel",
        "claimed_at",
        "claim_token",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "cancelled_at",
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "read_at")
    list_filter = ("read_at", "created_at")
    search_fields = ("user__email",)
    list_select_related = ("user", "reminder")
    readonly_fields = ("user", "reminder", "created_at", "read_at")

    @admin.display(description=_("kind"))
    def kind(self, obj: Notification) -> str:
        return obj.reminder.get_kind_display()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "channel")
    list_filter = ("kind", "channel")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
