from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    """HL7 FHIR R4, read-only: the care team and the plan for hospitals and regional
    platforms. No model of its own: every resource is read through the apps' scopes."""

    name = "interop"
    verbose_name = _("Interoperability (FHIR)")
