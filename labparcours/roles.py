"""What each role sees first and in its navigation."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from labparcours.models import Role


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
        NavItem(_("Patients"), "patients:dashboard", "users"),
        NavItem(_("SIC calendar"), "sic:list", "calendar"),
        NavItem(_("Directory"), "teams:directory", "book"),
        NavItem(_("Access log"), "patients:access_log_admin", "eye"),
    ],
    Role.COORDINATOR: [
        NavItem(_("Dashboard"), "patients:dashboard", "grid"),
        NavItem(_("SIC calendar"), "sic:list", "calendar"),
        NavItem(_("Include a patient"), "patients:include", "plus"),
        NavItem(_("Directory"), "teams:directory", "book"),
    ],
    Role.CLINICIAN: [
        NavItem(_("My patients"), "patients:my_patients", "users"),
        NavItem(_("My actions"), "careplans:my_actions", "check"),
    ],
    Role.PATIENT: [
        NavItem(_("My record"), "patients:my_record", "home"),
        NavItem(_("My care plan"), "careplans:my_plan", "heart"),
        NavItem(_("Who accessed my record"), "patients:my_access_log", "eye"),
    ],
    Role.CAREGIVER: [
        NavItem(_("Record"), "patients:my_record", "home"),
        NavItem(_("Care plan"), "careplans:my_plan", "heart"),
        NavItem(_("Who accessed the record"), "patients:my_access_log", "eye"),
    ],
}
