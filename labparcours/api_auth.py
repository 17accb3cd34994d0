from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from labparcours.models import ApiToken, User


class PersonalTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>` with a personal token that has not been revoked."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:  # noqa: PLR2004
            raise AuthenticationFailed("Malformed token header.")
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=ApiToken.hash_key(parts[1].decode(errors="replace")))
            .first()
        )
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("Invalid or revoked token.")
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
