"""Invitations by e-mail: a link to create a login tied to a directory entry, a patient
record or a caregiver. The e-mail carries no health data, only the link."""

from __future__ import annotations

import datetime
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from labparcours.errors import DomainError
from labparcours.mail import render_text
from labparcours.models import Invitation, InvitationKind, Role, User

INVITATION_VALIDITY = datetime.timedelta(days=14)

_ROLE_OF_KIND = {
    InvitationKind.PROFESSIONAL: Role.CLINICIAN,
    InvitationKind.PATIENT: Role.PATIENT,
    InvitationKind.CAREGIVER: Role.CAREGIVER,
}


def _hash(token: str) -> str:
    from labparcours.models import ApiToken

    return ApiToken.hash_key(token)


def invitation_send(*, kind: str, email: str, invited_by: User, **target: object) -> Invitation:
    """Create an invitation (professional=…, patient=… or caregiver=…) and e-mail its link."""
    if not email:
        raise DomainError(_("An e-mail address is needed to send an invitation."))
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("An account already exists with this e-mail address."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        kind=kind,
        email=email.lower(),
        token_hash=_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
        **target,
    )
    link = settings.SITE_URL + reverse("invitation_accept", args=[token])
    context = {
        "link": link,
        "invited_by": invited_by,
        "kind": kind,
        "days": INVITATION_VALIDITY.days,
    }
    transaction.on_commit(
        lambda: send_mail(
            subject=_("[Lab Parcours] Your invitation"),
            message=render_text("emails/invitation.txt", context),
            html_message=render_to_string("emails/invitation.html", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.filter(token_hash=_hash(token))
        .select_related("professional", "patient", "caregiver")
        .first()
    )
    return invitation if invitation and invitation.is_usable else None


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, password: str, first_name: str, last_name: str
) -> User:
    """Create the login, link it to its target, and mark the e-mail address verified
    (the invitation link proved it)."""
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if not claimed:
        raise DomainError(_("This invitation has already been used."))
    user = User.objects.create_user(
        invitation.email,
        password,
        role=_ROLE_OF_KIND[InvitationKind(invitation.kind)],
        first_name=first_name,
        last_name=last_name,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    target = invitation.professional or invitation.patient or invitation.caregiver
    if target is not None:
        target.user = user
        target.save(update_fields=["user"])
    return user
