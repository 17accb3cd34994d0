"""Invitations to a SIC: one task per recipient, so that a retry re-sends only what failed."""

from celery import shared_task

from sic.models import Sic
from sic.notifications import invitation_recipients, send_sic_invitation_now


@shared_task(acks_late=True)
def send_sic_invitations(sic_id: int) -> int:
    """Hand each recipient of the SIC's current invitation to its own sending task."""
    sic = Sic.objects.select_related("patient__user").get(pk=sic_id)
    recipients = invitation_recipients(sic)
    for email in recipients:
        send_sic_invitation.delay(sic_id, email, sic.ics_sequence)
    return len(recipients)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sic_invitation(sic_id: int, email: str, sequence: int) -> bool:
    return send_sic_invitation_now(sic_id, email, sequence)
