"""Domain errors: raised by models and services, turned into a message in the UI and a
structured 4xx answer in the API."""


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
