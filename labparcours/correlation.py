"""A correlation id for every request: in the answer's `X-Request-ID` header, in every log line
written while the request runs, and on the error page, so that a user's « référence » leads to
the log line, and the error page itself shows nothing else.

An unexpected error answers a generic page in French (JSON under /api/) with that reference
and no stack trace — in DEBUG too: a debug page would show the values being handled, patient
names among them (`PrivateExceptionReporter`). The traceback goes to the log, with the id.
"""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter

HEADER = "X-Request-ID"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request being served in this thread or task, "-" outside any."""
    return _current.get()


class RequestIdMiddleware:
    """First of the chain: gives the request its id for the time it runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Generated here, never taken from the client: a caller cannot make two requests
        # share an id in the log.
        request_id = uuid.uuid4().hex[:16]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (the formatter prints it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


def error_page(request: HttpRequest) -> HttpResponse:
    """The answer to an unexpected error: the reference, nothing of what was being done."""
    request_id = current_request_id()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "server_error",
                "detail": "Une erreur inattendue est survenue. Référence : " + request_id,
                "request_id": request_id,
            },
            status=500,
        )
    # Rendered without the request: no context processor runs (they read the database, the
    # session and the user, any of which may be what failed).
    html = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponse(html, status=500)


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`."""
    return error_page(request)


class PrivateExceptionReporter(ExceptionReporter):
    """In DEBUG, the error answer is the generic page too: a debug page lists the variables of
    every frame (a patient's name, a contribution's text). The traceback is in the log."""

    def get_traceback_html(self) -> SafeString:
        if self.request is None:
            return super().get_traceback_html()
        return mark_safe(error_page(self.request).content.decode())  # noqa: S308 — our template

    def get_traceback_text(self) -> SafeString:
        if self.request is None:
            return super().get_traceback_text()
        return mark_safe("Une erreur inattendue est survenue. Référence : " + current_request_id())  # noqa: S308
