"""Optional error reporting to a Sentry-compatible service (Sentry, GlitchTip…): off unless
`SENTRY_DSN` is set, and scrubbed of anything that could be patient data before it leaves.

What leaves: the exception's type, the stack (files, functions, lines — never the variables),
the request's method and path without its query string, the correlation id, the release and
the environment. What never leaves: exception messages (they may quote a name), request
bodies, query strings, cookies, headers, the user's identity, breadcrumbs (they carry SQL and
log messages).
"""

from __future__ import annotations

import re
from typing import Any

from labparcours.correlation import current_request_id

# Path segments that are ids (UUIDs, numbers) are kept: ids are not health data, and they
# say which page failed; nothing else of the URL is sent.
_QUERY = re.compile(r"\?.*$")


def scrub(event: Any, hint: Any = None) -> Any:
    """`before_send`: the event stripped to what is safe to send."""
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = ""
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            for key in ("vars", "context_line", "pre_context", "post_context"):
                frame.pop(key, None)
    event.pop("logentry", None)
    event.pop("message", None)
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    event.pop("contexts", None)
    event["user"] = {}
    request = event.get("request")
    if request:
        event["request"] = {
            "method": request.get("method", ""),
            "url": _QUERY.sub("", request.get("url", "")),
        }
    event.setdefault("tags", {})["request_id"] = current_request_id()
    return event


def init_error_reporting(
    dsn: str, *, environment: str, release: str, transport: Any = None
) -> None:
    """Start the SDK (in settings, when a DSN is configured; `transport`: for the tests)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        include_local_variables=False,
        include_source_context=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        traces_sample_rate=0,
        before_send=scrub,
        transport=transport,
    )
