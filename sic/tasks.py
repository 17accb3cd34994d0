from celery import shared_task

from sic.notifications import send_sic_invitations_now


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sic_invitations(sic_id: int) -> int:
    return send_sic_invitations_now(sic_id)
