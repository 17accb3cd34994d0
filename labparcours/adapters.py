from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from labparcours.roles import HOME_URL_NAME


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation only; after login each role lands on its home."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse(HOME_URL_NAME.get(request.user.role, "programme_home"))
