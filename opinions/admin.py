from django.contrib import admin

from labparcours.admin import PatientReadsLogged
from opinions.models import OpinionAttachment, OpinionRequest


class AttachmentInline(admin.TabularInline):
    model = OpinionAttachment
    fields = ("content_type", "size", "added_by", "added_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(OpinionRequest)
class OpinionRequestAdmin(PatientReadsLogged, admin.ModelAdmin):
    """Read only: a request moves through its pages (ask, answer, close), never here. The list
    names the patient by initials; the question and the answer stay on the pages, behind
    the scope; every read of the admin is logged."""

    list_display = ("pk", "initials", "specialist", "urgency", "status", "asked_at", "due_at")
    list_filter = ("status", "urgency")
    list_select_related = ("patient", "specialist")
    fields = (
        "patient",
        "asked_by",
        "specialist",
        "urgency",
        "asked_at",
        "due_at",
        "status",
        "answered_at",
        "answered_by",
        "closed_at",
        "closed_by",
        "answer_pinned_at",
        "pinned_by",
    )
    readonly_fields = fields
    inlines = (AttachmentInline,)

    @admin.display(description="patient")
    def initials(self, obj: OpinionRequest) -> str:
        return obj.patient.initials

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
