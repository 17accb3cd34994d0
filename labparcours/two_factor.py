"""Two-factor authentication (double authentification) for the roles that require it.

A session has passed the second factor when allauth recorded an "mfa" authentication in it: the
code asked at login, the code asked again later (reauthentication), or the code that activated
a new TOTP authenticator in this session (recorded here, see `count_activation`).
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def second_factor_step(request: HttpRequest) -> str | None:
    """The URL name of the page that completes the second factor this session still owes, or
    None when it owes nothing (role without the requirement, or factor passed)."""
    user = request.user
    if not user.is_authenticated or user.role not in settings.MFA_REQUIRED_ROLES:
        return None
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return "mfa_activate_totp"
    records = get_authentication_records(request, user)
    if not any(record.get("method") == "mfa" for record in records):
        return "mfa_reauthenticate"
    return None


def count_activation(
    sender: object, request: HttpRequest | None, user: Any, authenticator: Authenticator, **_: Any
) -> None:
    """Activating TOTP takes a valid code from the new device: the session has shown the
    second factor, as it would have at login (receiver of allauth's `authenticator_added`)."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
        )


def name_authenticators() -> None:
    """allauth's Authenticator model has no verbose name: the admin would call it by its
    class name, in English. Named here for the pages only: the model's declared options
    (`original_attrs`, which migrations compare) are left as allauth ships them."""
    meta = Authenticator._meta
    meta.verbose_name = _("authenticator")
    meta.verbose_name_plural = _("authenticators")
