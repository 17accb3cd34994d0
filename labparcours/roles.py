"""The roles, named in sets once, and what each role sees first and in its navigation.

The sets are the vocabulary of the apps' `rules.py` predicates (who may do what); no view,
viewset or model compares `user.role` with a literal set of its own."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from labparcours.models import Role

# Programme management and the coordination: they see every patient of the programme.
PROGRAMME_STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})
# Everyone who works in the programme: the directory of professionals is theirs.
PROFESSIONALS = frozenset({*PROGRAMME_STAFF, Role.CLINICIAN})
# The patient and their delegated caregiver: one record, seen from the patient's side.
PATIENT_SIDE = frozenset({Role.PATIENT, Role.CAREGIVER})
# Who leads and prepares SICs and is reminded of them: the coordination and the team members.
CARE_WORKERS = frozenset({Role.COORDINATOR, Role.CLINICIAN})
# Who types the patient's experience form: the patient's side, or the coordinator for them.
PATIENT_FORM_WRITERS = frozenset({*PATIENT_SIDE, Role.COORDINATOR})
# Who reads a patient's access log: the patient's side (their own), programme management.
ACCESS_LOG_READERS = frozenset({*PATIENT_SIDE, Role.ADMIN})


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str


HOME_URL_NAME: dict[str, str] = {
    Role.ADMIN: "programme_home",
    Role.COORDINATOR: "patients:dashboard",
    Role.CLINICIAN: "patients:my_patients",
    Role.PATIENT: "patients:my_record",
    Role.CAREGIVER: "patients:my_record",
}

NAVIGATION: dict[str, list[NavItem]] = {
    Role.ADMIN: [
        NavItem(_("Programme"), "programme_home", "grid"),
        NavItem(_("Indicators"), "indicators", "activity"),
        NavItem(_("Patients"), "patients:dashboard", "users"),
        NavItem(_("SIC calendar"), "sic:list", "calendar"),
        NavItem(_("Directory"), "teams:directory", "book"),
        NavItem(_("Access log"), "patients:access_log_admin", "eye"),
        NavItem(_("Budget"), "budget_reports:overview", "euro"),
        NavItem(_("Indemnities"), "indemnities_admin", "clipboard"),
    ],
    Role.COORDINATOR: [
        NavItem(_("Dashboard"), "patients:dashboard", "grid"),
        NavItem(_("SIC calendar"), "sic:list", "calendar"),
        NavItem(_("Breaks"), "patients:breaks", "alert"),
        NavItem(_("Indicators"), "indicators", "activity"),
        NavItem(_("Requests to approve"), "budget:waiting", "euro"),
        NavItem(_("Opinions waiting"), "opinions:open", "stethoscope"),
        NavItem(_("Include a patient"), "patients:include", "plus"),
        NavItem(_("Directory"), "teams:directory", "book"),
    ],
    Role.CLINICIAN: [
        NavItem(_("My patients"), "patients:my_patients", "users"),
        NavItem(_("My actions"), "careplans:my_actions", "check"),
        NavItem(_("Opinions asked"), "opinions:inbox", "stethoscope"),
        NavItem(_("My indemnities"), "my_indemnities", "euro"),
    ],
    Role.PATIENT: [
        NavItem(_("My record"), "patients:my_record", "home"),
        NavItem(_("My care plan"), "careplans:my_plan", "heart"),
        NavItem(_("Messages"), "threads:mine", "message"),
        NavItem(_("My supplementary care"), "budget:my_care", "activity"),
        NavItem(_("Who accessed my record"), "patients:my_access_log", "eye"),
    ],
    Role.CAREGIVER: [
        NavItem(_("Record"), "patients:my_record", "home"),
        NavItem(_("Care plan"), "careplans:my_plan", "heart"),
        NavItem(_("Messages"), "threads:mine", "message"),
        NavItem(_("Supplementary care"), "budget:my_care", "activity"),
        NavItem(_("Who accessed the record"), "patients:my_access_log", "eye"),
    ],
}
