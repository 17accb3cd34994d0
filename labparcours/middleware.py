"""Two-factor authentication is compulsory for the roles named in MFA_REQUIRED_ROLES."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Paths a user without two-factor may still reach: setting it up, logging out, static files.
_ALLOWED_PREFIXES = ("/compte/", "/static/", "/healthz/", "/i18n/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.role in settings.MFA_REQUIRED_ROLES
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            if request.path.startswith("/api/"):
                return HttpResponse(status=403)
            messages.warning(
                request, _("Your role requires two-factor authentication: please set it up.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in user or an API caller receives is kept by a browser or a proxy.

    Pages, PDFs, files and API answers carry patient data: `Cache-Control: no-store, private`
    unless the view chose its own caching. The API authenticates tokens inside the view, so
    its answers are covered by their path. Static files keep their long cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control") or request.path.startswith("/static/"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store, private"
        return response
