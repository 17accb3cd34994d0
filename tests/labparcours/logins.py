"""Logging in as a person does, through the site's login pages (not `force_login`)."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from labparcours.models import User
from tests.factories import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a test TOTP secret


def totp_code(secret: str = SECRET) -> str:
    """The current code of the authentication app (allauth accepts each code once)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user: User) -> User:
    TOTP.activate(user, SECRET)
    return user


def password_login(user: User, client: Client | None = None) -> Client:
    client = client or Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return client


def full_login(user: User) -> Client:
    """Password, then the code: what allauth asks of a user who has set up TOTP."""
    client = password_login(user)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    return client
