"""The schema of every operation, completed in one place: the refusals it can answer (one
`Error` component, an example each), the `If-Match` it honours, the `ETag` it answers, the
rate limit, and the order its list pages follow.

An operation documents a refusal where it can happen:

| status | where |
|---|---|
| 400 | a body to read (POST, PUT, PATCH), or the filters of a list |
| 401, 403, 429 | everywhere (no token; a role or a session's CSRF; the rate limit) |
| 404 | a path that names an object (outside the scope too), a list's invalid `cursor` |
| 409 | every write: a rule of the programme may refuse it |
| 412 | the writes that honour `If-Match` (`labparcours.api_base.ConditionalWrites`) |

A view that declares one of them with a serializer of the `Error` family (the overdraft, which
says what is left) keeps its own; any other declaration of a refusal gives way to the one
shape.
"""

from __future__ import annotations

from typing import Any

import uritemplate
from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from labparcours.api_base import ConditionalWrites
from labparcours.api_errors import REFUSALS, ErrorSerializer

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

ETAG_HEADER = {
    "schema": {"type": "string"},
    "description": "The version of the resource, to send back in `If-Match` with a change.",
}
RETRY_AFTER_HEADER = {
    "schema": {"type": "integer"},
    "required": True,
    "description": "Seconds to wait before the next request.",
}
AUTHENTICATE_HEADER = {
    "schema": {"type": "string"},
    "description": "`Bearer`: the scheme the API expects.",
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The `ETag` of the version read: the change is refused (412, nothing "
    "written) if the resource changed since. Without it the change is accepted (the last "
    "write wins).",
)


def _is_error_serializer(declared: Any) -> bool:
    if isinstance(declared, OpenApiResponse):
        declared = declared.response
    kind = declared if isinstance(declared, type) else type(declared)
    return isinstance(kind, type) and issubclass(kind, ErrorSerializer)


def _model_field_may_be_blank(field: Any) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in field.source or field.source == "*":
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


class AutoSchema(openapi.AutoSchema):
    def honours_if_match(self) -> bool:
        view = self.view
        return (
            isinstance(view, ConditionalWrites)
            and self.method in UNSAFE
            and bool(getattr(view, "detail", False))
            and getattr(view, "action", None) not in view.if_match_exempt
        )

    def answers_etag(self) -> bool:
        if not isinstance(self.view, ConditionalWrites):
            return False
        return self.honours_if_match() or (
            self.method == "GET" and getattr(self.view, "action", None) == "retrieve"
        )

    def refusals(self) -> set[int]:
        codes = {401, 403, 429}
        if uritemplate.variables(self.path) or self.method in UNSAFE:
            codes.add(404)  # the object the path names, or one the body names
        if self.method == "GET" and self._is_list_view():
            if self._get_pagination_parameters():
                codes.add(404)  # an invalid cursor
            if self._get_filter_parameters():
                codes.add(400)
        if self.method in {"POST", "PUT", "PATCH"} and self.get_request_serializer() is not None:
            codes.add(400)
        if self.method in UNSAFE:
            codes.add(409)
        if self.honours_if_match():
            codes.add(412)
        return codes

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        # DRF drops `allow_blank` from a read-only field: a column that may be empty (an exit
        # reason, a video link) would be documented as never "".
        if getattr(field, "read_only", False) and getattr(field, "allow_blank", True) is False:
            field.allow_blank = _model_field_may_be_blank(field)
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def get_filter_backends(self) -> list[Any]:
        # A viewset filters its `list` only (`filter_queryset`), never another action.
        action = getattr(self.view, "action", None)
        if self.method != "GET" or action not in {None, "list"}:
            return []
        return list(super().get_filter_backends())

    def _get_paginator(self) -> Any:
        # Only a GET answers pages; an action that answers a whole (short) list says so with
        # `pagination_class=None`.
        if self.method != "GET":
            return None
        return super()._get_paginator()

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.honours_if_match():
            parameters.append(IF_MATCH)
        return parameters

    def get_description(self) -> str:  # type: ignore[override]
        description = super().get_description() or ""
        if self.method == "GET" and self._is_list_view() and self._get_pagination_parameters():
            ordering = getattr(self.view, "cursor_ordering", "pk")
            description += (
                f"\n\nPaged by cursor: follow `next` (or `previous`); `page_size` up to 100. "
                f"Rows in the order of `{ordering}`."
            ).lstrip()
        return description

    def _own_refusals(self) -> set[str]:
        """The refusals the view declares with a serializer of the `Error` family."""
        declared = self.get_response_serializers()
        if not isinstance(declared, dict):
            return set()
        return {
            str(code[0] if isinstance(code, tuple) else code)
            for code, serializer in declared.items()
            if _is_error_serializer(serializer)
        }

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        own = self._own_refusals()
        responses = {
            code: response for code, response in responses.items() if code < "400" or code in own
        }
        for status in self.refusals():
            responses.setdefault(str(status), self._refusal(status))
        for code in own & {str(status) for status in REFUSALS}:
            # A refusal the view declares shows the example of its status too.
            example = REFUSALS[int(code)][1]
            for media in responses[code].get("content", {}).values():
                media.setdefault("examples", {example["code"]: {"value": example}})
        headers = {
            "429": {"Retry-After": RETRY_AFTER_HEADER},
            "412": {"ETag": {**ETAG_HEADER, "required": True}},
            "401": {"WWW-Authenticate": AUTHENTICATE_HEADER},
        }
        if self.answers_etag():
            headers.update({"200": {"ETag": ETAG_HEADER}, "201": {"ETag": ETAG_HEADER}})
        for code, extra in headers.items():
            if code in responses:
                responses[code].setdefault("headers", {}).update(extra)
        return dict(sorted(responses.items()))

    def _refusal(self, status: int) -> dict[str, Any]:
        description, example = REFUSALS[status]
        component = self.resolve_serializer(ErrorSerializer, "response")
        return {
            "description": description,
            "content": {
                "application/json": {
                    "schema": component.ref,
                    "examples": {example["code"]: {"value": example}},
                }
            },
        }
