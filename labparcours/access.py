"""The access log: every read of a patient's data leaves a trace the patient can read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from labparcours.models import AccessLogEntry

if TYPE_CHECKING:
    from patients.models import Patient


# What a read was about, as stored in the log, and how it is shown to the patient.
READ_LABELS = {
    "dashboard": _("Programme dashboard"),
    "my patients": _("List of my patients"),
    "patient record": _("Patient record"),
    "patient record (edit)": _("Patient record (edit)"),
    "own record": _("Own record"),
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
    "my actions": _("My actions"),
    "reminders": _("Reminders"),
}
_API = " (api)"


_ADMIN = "admin: "


def read_label(what: str) -> str:
    if what.startswith(_ADMIN):
        return str(_("Administration (%(what)s)") % {"what": what.removeprefix(_ADMIN)})
    base = what.removesuffix(_API)
    label = str(READ_LABELS.get(base, base))
    return f"{label} (API)" if what.endswith(_API) else label


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; gunicorn is configured to
    # trust only the local proxy's X-Forwarded-For, which Django then sees as REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


def log_access(request: HttpRequest, patients: Patient | Iterable[Patient], what: str) -> None:
    """Record that `request.user` read `what` about each patient.

    Under `AccessLogMiddleware` (every request the site serves), the reads wait for the
    answer and are written with the request's other reads in one query; elsewhere at once.
    """
    from patients.models import Patient

    items = [patients] if isinstance(patients, Patient) else list(patients)
    if not items:
        return
    ip = client_ip(request)
    entries = [
        AccessLogEntry(patient=p, user=request.user, what=what[:120], ip_address=ip) for p in items
    ]
    pending = getattr(request, _PENDING, None)
    if pending is None:
        AccessLogEntry.objects.bulk_create(entries)
    else:
        pending.extend(entries)


_PENDING = "_access_log_pending"


def shown(status_code: int) -> bool:
    """Whether an answer showed what the view read: a success, a redirect after a write, or a
    form shown again with its errors (400). A refusal (401, 403, 404…) or an error shows
    nothing, even when the view fetched the patient before refusing."""
    return status_code <= 400


class AccessLogMiddleware:
    """Writes a request's reads once its answer is known, and only when it `shown` them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending: list[AccessLogEntry] = []
        setattr(request, _PENDING, pending)
        response = self.get_response(request)
        if pending and shown(response.status_code):
            AccessLogEntry.objects.bulk_create(pending)
        return response
