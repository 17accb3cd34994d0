"""The access log: every read of a patient's data leaves a trace the patient can read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import HttpRequest

from labparcours.models import AccessLogEntry

if TYPE_CHECKING:
    from patients.models import Patient


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; gunicorn is configured to
    # trust only the local proxy's X-Forwarded-For, which Django then sees as REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


def log_access(request: HttpRequest, patients: Patient | Iterable[Patient], what: str) -> None:
    """Record that `request.user` read `what` about each patient, in one query."""
    from patients.models import Patient

    items = [patients] if isinstance(patients, Patient) else list(patients)
    if not items:
        return
    ip = client_ip(request)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(patient=p, user=request.user, what=what[:120], ip_address=ip)
        for p in items
    )
