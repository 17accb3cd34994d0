"""Domain errors: raised by models and services, turned into a message in the UI and a
structured 4xx answer in the API."""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """A rule of the programme refuses the action."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidTransition(DomainError):
    """The object is not in a state that allows this move."""

    code = "invalid_transition"


class NotAllowed(PermissionDenied):
    """The user sees the object (the scope answered first: 404 outside it) but their role may
    not do this. The one refusal of "may do", raised by `require`, the apps' `rules.py`
    predicates and the models' domain methods; it becomes a 403 in two places only: Django's
    handling of `PermissionDenied` for pages (templates/403.html, no read logged by
    `AccessLogMiddleware`) and `labparcours.api.exception_handler` for the API."""

    code = "not_allowed"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
