"""Middleware of the project: two-factor where a role requires it, no caching of what a signed-in
user or an API caller receives."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from labparcours.two_factor import second_factor_step

# What a session that still owes the second factor may reach: the pages that complete it
# (allauth asks for the password again before a TOTP activation), logging out, the language
# switch and the health check; static files are served before any URL is resolved. Every other
# URL refuses it: tests/labparcours/test_two_factor.py walks the URL conf to hold this.
ALLOWED_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "mfa_activate_totp",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "set_language",
        "healthz",
    }
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.resolver_match is None or request.resolver_match.view_name in ALLOWED_URL_NAMES:
            return None
        step = second_factor_step(request)
        if step is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "two_factor_required",
                    "detail": _(
                        "Your role requires two-factor authentication: complete it in the "
                        "application before using the API with this session."
                    ),
                },
                status=403,
            )
        if step == "mfa_activate_totp":
            messages.warning(
                request, _("Your role requires two-factor authentication: please set it up.")
            )
            return redirect(step)
        messages.warning(
            request,
            _(
                "Your role requires two-factor authentication: please enter the code of your "
                "authentication app."
            ),
        )
        if request.method == "GET":
            return redirect_to_login(request.get_full_path(), reverse(step))
        return redirect(step)


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
