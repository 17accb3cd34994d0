"""What a read of the access log was about, as stored (`AccessLogEntry.what`), and how it is
shown to the patient. Apart from the code that writes the log, so the model can read it."""

import functools

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# What a read was about, as stored in the log, and how it is shown to the patient.
READ_LABELS = {
    "dashboard": _("Programme dashboard"),
    "my patients": _("List of my patients"),
    "patient record": _("Patient record"),
    "patient record (edit)": _("Patient record (edit)"),
    "own record": _("« My record » page"),
    "access log": _("Access log"),
    "inclusion": _("Inclusion"),
    "exit": _("Exit from the programme"),
    "consents": _("Consents"),
    "caregivers": _("Caregivers"),
    "invitation": _("Invitation"),
    "care team": _("Care team"),
    "care team members": _("Care team"),
    "patient": _("Patient record"),
    "SIC calendar": _("SIC calendar"),
    "SICs": _("SICs"),
    "SIC": _("SIC"),
    "SIC contribution": _("SIC contribution"),
    "SIC contributions": _("SIC contributions"),
    "SIC report (PDF)": _("SIC report (PDF)"),
    "SIC decisions": _("SIC decisions"),
    "care plan": _("Care plan"),
    "care plans": _("Care plans"),
    "care plan (PDF)": _("Care plan (PDF)"),
    "care plan (validation)": _("Care plan (validation)"),
    "care plan (signed sheet)": _("Care plan (signed sheet)"),
    "my actions": _("My actions"),
    "reminders": _("Reminders"),
    "notifications": _("Notifications"),
    "indemnity lines": _("A professional's indemnities (initials)"),
    "indemnities (patient initials)": _("Indemnities (initials)"),
    "indemnity report": _("Indemnity report (initials)"),
    "indemnity statement": _("Statement of indemnities (initials)"),
    "indemnity batch listing": _("Listing of a payment batch (initials)"),
    "budget overview": _("Budget overview of the programme"),
    "budget rows": _("Budget lists of the programme"),
    "budget export": _("Budget export"),
    "budget envelope": _("Supplementary care budget"),
    "supplementary-care budget": _("Supplementary care budget"),
    "budget ledger": _("Supplementary care budget (movements)"),
    "supplementary care": _("Supplementary care"),
    "supplementary care requests": _("Supplementary care requests"),
    "supplementary care (prescription)": _("Supplementary care (prescription)"),
    "supplementary care (decision)": _("Supplementary care (decision)"),
    "supplementary care (cancellation)": _("Supplementary care (cancellation)"),
    "supplementary care (expense)": _("Supplementary care (expense)"),
    "supplementary care expense": _("Supplementary care (expense)"),
    "supplementary care (invoice)": _("Supplementary care (invoice)"),
    "supplementary care invoice": _("Supplementary care (invoice)"),
    "team thread": _("Team thread"),
    "patient thread": _("Thread with the patient"),
    "thread message": _("Thread message"),
    "thread message history": _("Thread message (history)"),
    "thread attachment": _("Thread attachment"),
    "pathway": _("Pathway events"),
    "pathway breaks": _("Breaks in the pathway (list)"),
    "indicator patients": _("Patients behind an indicator (list)"),
    "evaluation export": _("Pseudonymised export for the evaluators"),
    "pathway events": _("Pathway events"),
    "follow-up contacts": _("Follow-up contacts"),
    "specialist opinion": _("Specialist opinion"),
    "specialist opinions": _("Specialist opinions"),
    "specialist opinion (request)": _("Specialist opinion (request)"),
    "specialist opinion (attachment)": _("Specialist opinion (attachment)"),
    "specialist opinion (temporary access)": _("Specialist opinion (temporary access)"),
    # FHIR reads (interop.reads.WHAT), by hospitals and regional platforms.
    "fhir patient": _("Patient record (FHIR)"),
    "fhir care team": _("Care team (FHIR)"),
    "fhir care plan": _("Care plan (FHIR)"),
    "fhir sic": _("SIC held (FHIR)"),
    "fhir sic contribution": _("SIC contribution (FHIR)"),
    "fhir consents": _("Consents (FHIR)"),
    "fhir record": _("Whole record (FHIR)"),
    # The API's default, for a viewset that names nothing more precise.
    "api": _("Patient record"),
}
_API = " (api)"


_ADMIN = "admin: "


@functools.cache
def _model_names() -> dict[str, str | Promise]:
    """The admin's pages are logged by model name ("admin: careplan"): shown by its name."""
    return {
        model._meta.model_name or "": model._meta.verbose_name or "" for model in apps.get_models()
    }


def read_label(what: str) -> str:
    if what.startswith(_ADMIN):
        name = what.removeprefix(_ADMIN)
        return str(_("Administration (%(what)s)") % {"what": _model_names().get(name, name)})
    base = what.removesuffix(_API)
    label = str(READ_LABELS.get(base, base))
    return f"{label} (API)" if what.endswith(_API) else label
