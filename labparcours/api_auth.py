from typing import NoReturn

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from labparcours.models import ApiToken, User


def _refuse(code: str, detail: str) -> NoReturn:
    raise AuthenticationFailed({"code": code, "detail": detail})


class PersonalTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>` with a personal token that is neither revoked nor expired,
    of an active user who has two-factor set up when their role requires it."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            _refuse("token_malformed", _("Malformed token header."))
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(parts[1].decode(errors="replace")))
            .first()
        )
        if token is None or token.revoked_at is not None or not token.user.is_active:
            _refuse("token_invalid", _("Invalid or revoked token."))
        if token.is_expired:
            _refuse("token_expired", _("This token has expired: create a new one."))
        if (
            token.user.role in settings.MFA_REQUIRED_ROLES
            and not Authenticator.objects.filter(
                user=token.user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            _refuse(
                "two_factor_required",
                _(
                    "Your role requires two-factor authentication: set it up in the "
                    "application before using a token."
                ),
            )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """Describe personal tokens in the OpenAPI schema."""

    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "Personal API token"}
