from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, QueryDict

if TYPE_CHECKING:
    from django.forms import BaseForm
    from django_htmx.middleware import HtmxDetails
    from rest_framework.request import Request

    from labparcours.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a login-required page receives: `login_required` has turned the anonymous
    visitor away, so `user` is a `User`; django-htmx's middleware has added `htmx`.

    Only an annotation: Django builds the real request, this class is never instantiated.
    """

    user: User
    htmx: HtmxDetails


def api_user(request: Request) -> User:
    """The user of an API request that passed `IsAuthenticated` (every viewset requires it):
    DRF types `request.user` loosely, the permission class has already ruled out the rest."""
    return cast("User", request.user)


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one (`posted(request)` would drop it)."""
    return request.POST if request.method == "POST" else None


def posted_id(request: HttpRequest, name: str = "id") -> int | None:
    """A posted row id as an integer, or None when it is not one (a forged form): looked up
    with `get_object_or_404`, it then answers 404 instead of failing."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


def safe_next(request: HttpRequest, default: str) -> str:
    """The posted `next` address when it stays on this site, else `default` (no open redirect)."""
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


UNDO_SESSION_KEY = "undo_url"


def offer_undo(request: HttpRequest, message: str, url: str) -> None:
    """A success message with an « Annuler » button: a plain form posting to `url`
    (includes/messages.html), so that undoing needs no JavaScript. One offer at a time."""
    from django.contrib import messages

    request.session[UNDO_SESSION_KEY] = url
    messages.success(request, message, extra_tags="undoable")


def attempt(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    success: str | None = None,
    form: BaseForm | None = None,
) -> bool:
    """Run a domain action for a page: its refusal (a `DomainError`, or a `ValidationError`
    of the model's own checks) becomes an error message in the user's language — on `form`
    when the page shows it again, else a flash message — and its success the `success`
    confirmation, if any. Returns whether it went through."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    from labparcours.errors import DomainError

    try:
        action()
    except DomainError as exc:
        if form is not None:
            form.add_error(None, exc.message)
        else:
            messages.error(request, exc.message)
        return False
    except ValidationError as exc:
        if form is not None:
            form.add_error(None, exc)
        else:
            messages.error(request, "; ".join(exc.messages))
        return False
    if success is not None:
        messages.success(request, success)
    return True
