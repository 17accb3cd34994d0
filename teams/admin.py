from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from labparcours.admin import PatientDataAdmin
from teams.models import CareTeam, Membership, Professional


@admin.register(Professional)
class ProfessionalAdmin(SimpleHistoryAdmin):
    list_display = ("last_name", "first_name", "profession", "practice_mode", "city", "rpps")
    list_filter = ("profession", "practice_mode")
    search_fields = ("last_name", "first_name", "rpps", "organisation", "city")
    raw_id_fields = ("user",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("professional", "role", "joined_at", "left_at", "added_by")
    raw_id_fields = ("professional", "added_by")


@admin.register(CareTeam)
class CareTeamAdmin(PatientDataAdmin):
    list_display = ("pk", "patient_initials", "created_at")
    list_select_related = ("patient",)
    raw_id_fields = ("patient",)
    inlines = (MembershipInline,)

    @admin.display(description=_("patient"))
    def patient_initials(self, obj: CareTeam) -> str:
        return obj.patient.initials


@admin.register(Membership)
class MembershipAdmin(PatientDataAdmin):
    patient_path = "team__patient"
    list_display = ("professional", "role", "joined_at", "left_at")
    list_filter = ("role",)
    list_select_related = ("professional",)
    raw_id_fields = ("team", "professional", "added_by")
