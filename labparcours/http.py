from collections.abc import Callable

from django.http import HttpRequest, QueryDict


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


def attempt(request: HttpRequest, action: Callable[[], object], *, success: str) -> bool:
    """Run a domain action for a page: its refusal becomes an error message (in the user's
    language), its success a confirmation. Returns whether it went through."""
    from django.contrib import messages

    from labparcours.errors import DomainError

    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
