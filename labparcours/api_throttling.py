"""The API's rate limit: so many requests per token (per user for a signed-in session) in a
window, counted in the configured cache; beyond it, 429 with `Retry-After` (seconds).

The rate is `LABPARCOURS_API_RATE_LIMIT` ("300/min" by default: "<n>/<s|min|hour|day>"),
read at each request so that a change of settings applies at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from labparcours.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str | None:
        return settings.LABPARCOURS_API_RATE_LIMIT or None

    def get_cache_key(self, request: Request, view: Any) -> str:
        if isinstance(request.auth, ApiToken):
            # Each token its own budget: a runaway script does not starve its owner's others.
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
