"""The API's one shape of a refusal, and the refusals the schema lists for each operation.

Every error answer of `/api/v1/` is one JSON object, the component `Error`:

    {"code": "invalid", "detail": "<the message, in French>", "errors": {"field": ["…"]}}

`code` is stable (what a program tests), `detail` is for people (French, or English when the
client asks for it with `Accept-Language: en`), `errors` is there on a 400 only: field →
messages, `non_field_errors` for the whole object, a nested object for a nested field.

`labparcours.api.exception_handler` writes every refusal in this shape; `refusals` below says
which of them an operation can answer, and `labparcours.api_schema.AutoSchema` adds them to
every operation of the schema, with an example each.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import page_not_found
from rest_framework import exceptions, serializers, status


class ErrorSerializer(serializers.Serializer):
    """A refusal: a stable code, the message, and on a 400 the messages field by field."""

    code = serializers.CharField(
        help_text="Stable code: invalid, parse_error, not_authenticated, token_invalid, "
        "token_expired, permission_denied, not_allowed, not_found, invalid_transition, "
        "overdraft, precondition_failed, throttled…"
    )
    detail = serializers.CharField(help_text="The message, in French (`Accept-Language: en`).")
    # DRF's metaclass takes the field out of the class: `Serializer.errors` stays as it is.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        required=False,
        help_text="On a 400 only: field → messages (`non_field_errors` for the whole object; "
        "a nested object for a nested field).",
    )


class PreconditionFailed(exceptions.APIException):
    """`If-Match` names another version than the current one: someone wrote in between."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = gettext_lazy(
        "This resource changed since you read it: read it again (its current ETag is in "
        "this answer's ETag header) and send your change again."
    )

    def __init__(self, etag: str) -> None:
        super().__init__()
        self.etag = etag


INVALID_DETAIL = gettext_lazy("The data sent do not hold: see the errors, field by field.")

# The code of a DRF refusal that carries none of its own, by status.
_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    429: "throttled",
}


def error_body(code: str, detail: Any, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": str(code), "detail": str(detail)}
    if errors is not None:
        body["errors"] = errors
    return body


def as_error(exc: Exception, status_code: int, data: Any) -> dict[str, Any]:
    """DRF's answer to `exc` (`data`) in the one shape."""
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        return error_body("invalid", INVALID_DETAIL, errors)
    fallback = _CODES.get(status_code, "error")
    if isinstance(data, dict) and "detail" in data:
        # A refusal that names its own code ({"code", "detail"}), or DRF's ({"detail"}).
        detail = data["detail"]
        code = data.get("code") or getattr(detail, "code", None) or fallback
        return error_body(code, detail)
    if isinstance(data, list) and data:
        return error_body(getattr(data[0], "code", None) or fallback, data[0])
    return error_body(fallback, data)


# --- What the schema says ------------------------------------------------------------------------

# Status → (description, example of the body).
REFUSALS: dict[int, tuple[str, dict[str, Any]]] = {
    400: (
        "The request does not hold (a field, a filter): `errors` says why, field by field.",
        error_body(
            "invalid",
            "Les données envoyées ne sont pas valides : voir les erreurs, champ par champ.",
            {"occurred_on": ["Saisissez une date valide."]},
        ),
    ),
    401: (
        "No valid credentials: a missing, malformed, revoked or expired token.",
        error_body("token_invalid", "Jeton invalide ou révoqué."),
    ),
    403: (
        "In the caller's scope, but not for their role (or a session without its CSRF token).",
        error_body("not_allowed", "Vous n'avez pas la permission d'effectuer cette action."),
    ),
    404: (
        "Not found, or outside the caller's scope (the API never says which); an invalid "
        "`cursor` too.",
        error_body("not_found", "Pas trouvé."),
    ),
    409: (
        "A rule of the programme refuses it (e.g. `invalid_transition`): `detail` says which.",
        error_body("invalid_transition", "Cette SIC n'est plus modifiable."),
    ),
    412: (
        "`If-Match` names another version than the current one: read the resource again "
        "(its current ETag is in this answer's `ETag` header) and send the change again.",
        error_body(
            "precondition_failed",
            "Cette ressource a changé depuis que vous l'avez lue : relisez-la (son ETag "
            "actuel est dans l'en-tête ETag de cette réponse) et renvoyez votre modification.",
        ),
    ),
    429: (
        "Too many requests for this token (or user): wait the seconds `Retry-After` says.",
        error_body(
            "throttled",
            "La requête a été limitée. Nouvelle tentative possible dans 12 secondes.",
        ),
    ),
}


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler404`: under /api/, an address that names nothing (`/api/v1/sics/-1/`) answers
    in the API's shape, as every other refusal of the API; elsewhere, the page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return page_not_found(request, exception)
