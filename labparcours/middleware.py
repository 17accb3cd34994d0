"""Middleware of the project: two-factor where a role requires it, no caching of what a signed-in
user or an API caller receives, sessions that end when left idle or too old."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
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


# Session keys of SessionTimeoutMiddleware: when the session was opened and last used (epoch s).
SESSION_STARTED = "lp_started"
SESSION_SEEN = "lp_seen"
# A request sent by the page on its own (a poll for new messages) is not the user's activity:
# it carries this header and leaves the idle clock alone.
BACKGROUND_HEADER = "X-Background"
# The last-use time is written at most this often: not one session write per request.
SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """A signed-in session ends after `LABPARCOURS_SESSION_IDLE_MINUTES` without activity and
    `SESSION_COOKIE_AGE` after it was opened, whatever the activity (a shared computer in a
    practice, a phone left on a desk). The user is logged out and told why; the API and htmx
    get their own answers instead of a login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        session = request.session
        started = session.setdefault(SESSION_STARTED, now)
        seen = session.get(SESSION_SEEN, started)
        idle = settings.LABPARCOURS_SESSION_IDLE_MINUTES * 60
        if now - seen > idle or now - started > settings.SESSION_COOKIE_AGE:
            logout(request)
            return _session_ended(request)
        if request.headers.get(BACKGROUND_HEADER) != "1" and now - seen >= SEEN_RESOLUTION:
            session[SESSION_SEEN] = now
        return self.get_response(request)


def _session_ended(request: HttpRequest) -> HttpResponse:
    detail = _("Your session has ended: please sign in again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "session_expired", "detail": detail}, status=401)
    messages.info(request, detail)
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("account_login")
        return response
    if request.method == "GET":
        return redirect_to_login(request.get_full_path())
    return redirect("account_login")
