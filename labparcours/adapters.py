from typing import Any, cast

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from labparcours.access import client_ip
from labparcours.models import User
from labparcours.roles import HOME_URL_NAME


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation only; after login each role lands on its home."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = cast(User, request.user)  # asked right after a successful login
        return reverse(HOME_URL_NAME.get(user.role, "programme_home"))

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed logins per "key" (ACCOUNT_RATE_LIMITS["login_failed"]), which
        # is the login alone: five failures from anywhere would lock the owner out too. With
        # the client address in the key, the count is per (account, address); the per-address
        # limit stays as allauth keeps it.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client address the access log records (trusted proxies only), so that the
        login rate limits count each client, not the reverse proxy."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
