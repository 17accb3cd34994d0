from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from labparcours.admin import PatientDataAdmin
from sic.models import Attendance, Contribution, Decision, Sic


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("membership",)


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


@admin.register(Sic)
class SicAdmin(PatientDataAdmin):
    list_display = ("pk", "patient_initials", "status", "due_date", "scheduled_at")
    list_filter = ("status",)
    list_select_related = ("patient",)
    raw_id_fields = ("patient",)
    inlines = (AttendanceInline, DecisionInline)

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: Sic) -> str:
        return obj.patient.initials


@admin.register(Contribution)
class ContributionAdmin(PatientDataAdmin):
    patient_path = "sic__patient"
    list_display = ("pk", "kind", "author", "status", "submitted_at")
    list_filter = ("kind", "status")
    list_select_related = ("author",)
    raw_id_fields = ("sic", "author", "entered_by")
