from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from labparcours.admin import PatientDataAdmin
from patients.models import Caregiver, Consent, Patient


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = ("kind", "caregiver", "given_at", "withdrawn_at", "recorded_by")
    raw_id_fields = ("recorded_by", "caregiver")


@admin.register(Patient)
class PatientAdmin(PatientDataAdmin):
    list_display = ("initials", "pathway", "status", "inclusion_date", "coordinator")
    list_filter = ("pathway", "status")
    list_select_related = ("coordinator",)
    raw_id_fields = ("coordinator", "user")
    inlines = (ConsentInline,)
    patient_path = ""

    @admin.display(description=_("patient"))
    def initials(self, obj: Patient) -> str:
        return obj.initials


@admin.register(Consent)
class ConsentAdmin(PatientDataAdmin):
    list_display = ("kind", "patient_initials", "given_at", "withdrawn_at")
    list_filter = ("kind",)
    list_select_related = ("patient",)
    raw_id_fields = ("patient", "caregiver", "recorded_by")

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: Consent) -> str:
        return obj.patient.initials


@admin.register(Caregiver)
class CaregiverAdmin(PatientDataAdmin):
    list_display = ("first_name", "last_name", "relationship", "patient_initials")
    list_select_related = ("patient",)
    raw_id_fields = ("patient", "user")

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: Caregiver) -> str:
        return obj.patient.initials
