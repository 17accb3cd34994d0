"""Invitations to a SIC: one task per recipient, so that a retry re-sends only what failed."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from sic.models import Sic
from sic.notifications import invitation_recipients, send_sic_invitation_now

logger = logging.getLogger(__name__)


def queue_sic_invitations(sic_id: int) -> None:
    """Hand the SIC's invitations to the workers, once its change is committed. With the broker
    unreachable, they are sent here instead (each e-mail bounded by EMAIL_TIMEOUT): slower for
    this one request, but the calendar reaches everyone, and the change is saved either way."""
    try:
        send_sic_invitations.delay(sic_id)
    except OperationalError:  # the broker is unreachable (kombu wraps refusals and timeouts)
        logger.warning("Broker unreachable: the invitations of SIC %s are sent inline", sic_id)
        sic = Sic.objects.select_related("patient__user").get(pk=sic_id)
        for email in invitation_recipients(sic):
            try:
                send_sic_invitation_now(sic_id, email, sic.ics_sequence)
            except OSError:
                logger.exception("SIC %s: an invitation could not be sent", sic_id)


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
